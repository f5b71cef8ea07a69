"""Reading removed and reported content: posts and comments a moderator took down (with
who did it and why), and those with open reports. One statement per page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ScalarSelect, Select, and_, exists, func, select
from sqlalchemy.orm import aliased

from webapp.extensions import db
from webapp.models import Comment, Community, Post, Report, User
from webapp.models.report import STATUS_OPEN
from webapp.pagination import Page, SortKey, keyset_page

CONTENT_KINDS = ("post", "comment")
CONTENT_SHOWS = ("removed", "reported")


@dataclass
class ContentRow:
    """A post or comment as the removed-content page shows it."""

    kind: str
    item: Post | Comment
    author: User | None
    post: Post  # the post itself, or the comment's post
    community: Community
    remover: User | None
    open_reports: int


def _open_reports_of(kind: str, item_id) -> ScalarSelect[int]:
    return (
        select(func.count())
        .select_from(Report)
        .where(
            Report.target_type == kind, Report.target_id == item_id, Report.status == STATUS_OPEN
        )
        .scalar_subquery()
    )


def _post_rows(show: str, community_id: int | None) -> tuple[Select, tuple[SortKey, ...]]:
    author, remover = aliased(User), aliased(User)
    reports = _open_reports_of("post", Post.id)
    statement = (
        select(Post, author, Community, remover, reports)
        .join(Community, Community.id == Post.community_id)
        .outerjoin(author, author.id == Post.author_id)
        .outerjoin(remover, remover.id == Post.removed_by_id)
    )
    if show == "removed":
        keys = (SortKey(Post.removed_at), SortKey(Post.id))
        statement = statement.where(Post.removed_at.is_not(None))
    else:
        keys = (SortKey(Post.created_at), SortKey(Post.id))
        statement = statement.where(
            exists().where(
                and_(
                    Report.target_type == "post",
                    Report.target_id == Post.id,
                    Report.status == STATUS_OPEN,
                )
            )
        )
    if community_id is not None:
        statement = statement.where(Post.community_id == community_id)
    return statement, keys


def _comment_rows(show: str, community_id: int | None) -> tuple[Select, tuple[SortKey, ...]]:
    author, remover = aliased(User), aliased(User)
    reports = _open_reports_of("comment", Comment.id)
    statement = (
        select(Comment, author, Post, Community, remover, reports)
        .join(Post, Post.id == Comment.post_id)
        .join(Community, Community.id == Post.community_id)
        .outerjoin(author, author.id == Comment.author_id)
        .outerjoin(remover, remover.id == Comment.removed_by_id)
    )
    if show == "removed":
        keys = (SortKey(Comment.removed_at), SortKey(Comment.id))
        statement = statement.where(Comment.removed_at.is_not(None))
    else:
        keys = (SortKey(Comment.created_at), SortKey(Comment.id))
        statement = statement.where(
            exists().where(
                and_(
                    Report.target_type == "comment",
                    Report.target_id == Comment.id,
                    Report.status == STATUS_OPEN,
                )
            )
        )
    if community_id is not None:
        statement = statement.where(Post.community_id == community_id)
    return statement, keys


def content_page(
    kind: str,
    show: str,
    cursor: str | None,
    page_size: int,
    community_id: int | None = None,
) -> Page:
    """Removed (newest removal first) or reported (newest first) posts or comments,
    of every community or one."""
    builder = _comment_rows if kind == "comment" else _post_rows
    statement, keys = builder(show, community_id)

    def key_of(row):
        item = row[0]
        return (item.removed_at if show == "removed" else item.created_at, item.id)

    page = keyset_page(statement, keys, cursor, page_size, key_of, scalars=False)
    if kind == "comment":
        page.items = [ContentRow("comment", *row) for row in page.items]
    else:
        page.items = [
            ContentRow("post", post, author, post, community, remover, reports)
            for post, author, community, remover, reports in page.items
        ]
    return page


def content_item(kind: str, item_id: int) -> Post | Comment | None:
    """The post or comment to restore."""
    if kind == "comment":
        return db.session.get(Comment, item_id)
    return db.session.get(Post, item_id)


def community_of_comment(comment: Comment) -> int:
    """The community a comment was written in."""
    return db.session.execute(
        select(Post.community_id).where(Post.id == comment.post_id)
    ).scalar_one()
