"""The demo that `make run` shows a newcomer: nothing in it happens in the future."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Comment, Follow, Membership, ModerationAction, Post, utc_now


def test_no_demo_timestamp_lies_in_the_future(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    now = utc_now() + timedelta(seconds=1)
    columns = [
        Post.created_at,
        Comment.created_at,
        Membership.joined_at,
        Follow.created_at,
        ModerationAction.created_at,
    ]
    for column in columns:
        latest = db.session.scalar(select(func.max(column)))
        assert latest is not None and latest <= now, f"{column} is {latest}, after {now}"
    # Every comment is later than its post.
    earlier = db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.created_at < Post.created_at)
    )
    assert earlier == 0
