"""Who may vote on what: the one place these rules live."""

from __future__ import annotations


def is_author(user, item) -> bool:
    """Whether `user` wrote `item` (nobody votes on their own writing)."""
    return user is not None and user.is_authenticated and item.author_id == user.id


def shows_vote_buttons(user, item) -> bool:
    """Vote buttons appear on visible items not written by the viewer; guests see them
    too, and are asked to sign in when they press one."""
    return item.is_visible and not is_author(user, item)


def can_vote(user, item) -> bool:
    """Signed-in people vote on visible posts and comments that others wrote."""
    return user is not None and user.is_authenticated and shows_vote_buttons(user, item)
