"""Who may vote on what: the one place these rules live."""

from __future__ import annotations

from webapp.models import Comment


def is_author(user, item) -> bool:
    """Whether `user` wrote `item` (nobody votes on their own writing)."""
    return user is not None and user.is_authenticated and item.author_id == user.id


def takes_votes(item) -> bool:
    """Visible posts take votes, and visible comments of visible posts: the comments
    of a removed or deleted post stay readable but are out of the game."""
    if not item.is_visible:
        return False
    return not isinstance(item, Comment) or item.post.is_visible


def shows_vote_buttons(user, item) -> bool:
    """Vote buttons appear on items that take votes, not written by the viewer; guests
    see them too, and are asked to sign in when they press one."""
    return takes_votes(item) and not is_author(user, item)


def can_vote(user, item) -> bool:
    """Signed-in people vote on posts and comments that others wrote and that take
    votes."""
    return user is not None and user.is_authenticated and shows_vote_buttons(user, item)
