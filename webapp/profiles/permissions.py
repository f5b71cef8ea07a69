"""Who may do what to a person's profile: the one place these rules live."""

from __future__ import annotations

from webapp.models import Membership, Post, User
from webapp.posts import permissions as post_permissions


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


def shows_post_of_comment(user, post: Post, membership: Membership | None) -> bool:
    """A comment listed on its author's profile names (and links) its post only where
    the post's own page shows the title: visible posts to everyone, removed ones to the
    community's moderators (the posts' rule), deleted ones to nobody. `membership` is
    the viewer's membership of the post's community."""
    if post.deleted_at is not None:
        return False
    return post.removed_at is None or post_permissions.can_see_removed(user, post, membership)
