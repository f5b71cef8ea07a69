"""The viewer's own votes for a page of items: one query, whatever the page size."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import CommentVote, PostVote


def my_post_votes(user, post_ids: Iterable[int]) -> dict[int, int]:
    ids = list(post_ids)
    if not ids or user is None or not user.is_authenticated:
        return {}
    rows = db.session.execute(
        select(PostVote.post_id, PostVote.value).where(
            PostVote.user_id == user.id, PostVote.post_id.in_(ids)
        )
    )
    return dict(rows.all())


def my_comment_votes(user, comment_ids: Iterable[int]) -> dict[int, int]:
    ids = list(comment_ids)
    if not ids or user is None or not user.is_authenticated:
        return {}
    rows = db.session.execute(
        select(CommentVote.comment_id, CommentVote.value).where(
            CommentVote.user_id == user.id, CommentVote.comment_id.in_(ids)
        )
    )
    return dict(rows.all())
