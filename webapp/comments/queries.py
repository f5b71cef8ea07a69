"""Reads for comments: a whole visible thread in one query, arranged in Python."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import Comment, User

COMMENT_SORTS = ("best", "new", "old")
MAX_VISIBLE_DEPTH = 8  # deeper replies get a "continue this thread" link
MAX_THREAD_COMMENTS = 2000


@dataclass
class ThreadNode:
    comment: Comment
    children: list[ThreadNode] = field(default_factory=list)
    hidden_replies: int = 0  # replies beyond the visible depth
    reply_count: int = 0  # every loaded reply under this comment, at any depth


def _sort_key(sort: str):
    if sort == "new":
        return lambda node: (-node.comment.created_at.timestamp(), -node.comment.id)
    if sort == "old":
        return lambda node: (node.comment.created_at.timestamp(), node.comment.id)
    return lambda node: (-node.comment.score, -node.comment.created_at.timestamp())


def comment_thread(post_id: int, sort: str, root: Comment | None = None) -> list[ThreadNode]:
    """The post's comments (or the subtree under `root`) as sorted trees, one query."""
    statement = (
        select(Comment)
        .where(Comment.post_id == post_id)
        .options(joinedload(Comment.author).joinedload(User.profile))
        .order_by(Comment.path)
        .limit(MAX_THREAD_COMMENTS)
    )
    base_depth = 0
    if root is not None:
        statement = statement.where(
            (Comment.id == root.id) | Comment.path.startswith(root.path + "/", autoescape=True)
        )
        base_depth = root.depth
    nodes: dict[int, ThreadNode] = {}
    roots: list[ThreadNode] = []
    loaded: list[ThreadNode] = []  # in path order: every parent before its replies
    for comment in db.session.scalars(statement).unique():
        node = ThreadNode(comment)
        nodes[comment.id] = node
        loaded.append(node)
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        relative_depth = comment.depth - base_depth
        if parent is None:
            roots.append(node)
        elif relative_depth >= MAX_VISIBLE_DEPTH:
            parent.hidden_replies += 1
        else:
            parent.children.append(node)
    for node in reversed(loaded):  # replies first, so each count is complete when added
        parent = nodes.get(node.comment.parent_id) if node.comment.parent_id else None
        if parent is not None:
            parent.reply_count += 1 + node.reply_count
    key = _sort_key(sort)

    def arrange(siblings: list[ThreadNode]) -> None:
        siblings.sort(key=key)
        for sibling in siblings:
            arrange(sibling.children)

    arrange(roots)
    return roots


def comment_ids(nodes: list[ThreadNode]) -> list[int]:
    """Every comment id in a list of trees."""
    ids: list[int] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        ids.append(node.comment.id)
        stack.extend(node.children)
    return ids


def comment_with_post(comment_id: int) -> Comment | None:
    statement = (
        select(Comment)
        .where(Comment.id == comment_id)
        .options(
            joinedload(Comment.author).joinedload(User.profile),
            joinedload(Comment.post),
        )
    )
    return db.session.scalars(statement).unique().one_or_none()
