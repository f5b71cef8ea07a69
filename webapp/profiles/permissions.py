"""Who may do what to a person's profile: the one place these rules live."""

from __future__ import annotations

from webapp.models import User


def is_self(user, person: User) -> bool:
    """Whether the viewer is looking at their own profile."""
    return user is not None and user.is_authenticated and user.id == person.id


def can_edit_profile(user, person: User) -> bool:
    """People edit their own profile."""
    return is_self(user, person)


def shows_follow_button(user, person: User) -> bool:
    """Everyone but the person themselves sees the button (guests are asked to sign in)."""
    return not is_self(user, person)


def can_follow(user, person: User) -> bool:
    """Signed-in people follow anyone but themselves."""
    return user is not None and user.is_authenticated and not is_self(user, person)
