"""Reads for comments: a post page's share of a thread (a page of top-level comments with
their subtrees, in two bounded statements), a whole thread for the API, one comment."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.sql.elements import ColumnElement

from webapp.extensions import db
from webapp.models import Comment, User
from webapp.pagination import SortKey, encode_cursor, keyset_page

COMMENT_SORTS = ("best", "new", "old")
MAX_VISIBLE_DEPTH = 8  # deeper replies get a "continue this thread" link
MAX_THREAD_COMMENTS = 2000  # the API's whole-thread read
COMMENT_PAGE_SIZE = 200  # comments a post page (or a "more" page) shows at most
# A subtree that does not fit is cut to what is left of the page, unless that is less
# than this: then it opens the next page instead, whole if it fits there.
MIN_CUT = 20


@dataclass
class ThreadNode:
    comment: Comment
    children: list[ThreadNode] = field(default_factory=list)
    hidden_replies: int = 0  # replies beyond the visible depth
    reply_count: int = 0  # every reply shown under it, at any depth (hidden deep ones too)
    more_replies: int = 0  # replies of a cut subtree that this page does not show
    next_page: str | None = None  # a branch view's cursor to its next page of replies


def _sort_key(sort: str):
    if sort == "new":
        return lambda node: (-node.comment.created_at.timestamp(), -node.comment.id)
    if sort == "old":
        return lambda node: (node.comment.created_at.timestamp(), node.comment.id)
    return lambda node: (
        -node.comment.score,
        -node.comment.created_at.timestamp(),
        -node.comment.id,
    )


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


# -- A post page's share of the thread ---------------------------------------------------
#
# A page lists top-level comments (or, in a branch view, the branch's direct replies) in
# the chosen order, each with its whole subtree while COMMENT_PAGE_SIZE lasts; the first
# subtree that does not fit is cut ("N more replies") and the next page starts after it.
# Statements per page, whatever the thread's size: the listed comments with the size of
# each subtree (a keyset on an index), then the comments shown (index ranges by path).
#
# Paths are ten-digit segments joined by "/": the descendants of a comment whose path is
# P are exactly the paths after P and before P || 'z'. That range is an index range of
# (post_id, path) and holds in every collation (C, glibc, ICU): "/" and digits sort
# before letters, and a collation that skips "/" still compares the digits in order.


@dataclass
class ThreadPage:
    """One page of a thread: trees in the chosen order and the next page's cursor."""

    nodes: list[ThreadNode]
    next_cursor: str | None


def _level_keys(sort: str) -> tuple[SortKey, ...]:
    """The order of the listed comments, served by the top-level partial indexes."""
    if sort == "new":
        return (SortKey(Comment.created_at), SortKey(Comment.id))
    if sort == "old":
        return (
            SortKey(Comment.created_at, descending=False),
            SortKey(Comment.id, descending=False),
        )
    return (SortKey(Comment.score), SortKey(Comment.created_at), SortKey(Comment.id))


def _key_values(row, sort: str) -> tuple:
    if sort == "best":
        return (row.score, row.created_at, row.id)
    return (row.created_at, row.id)


def _count_under(outer, *more) -> ColumnElement[int]:
    """How many comments lie under `outer` (a correlated count over its path range)."""
    below = aliased(Comment)
    return (
        select(func.count())
        .where(
            below.post_id == outer.post_id,
            below.path > outer.path,
            below.path < outer.path + "z",
            *(condition(below) for condition in more),
        )
        .correlate(outer)
        .scalar_subquery()
    )


def _level(post_id: int, branch: Comment | None) -> Select:
    """The comments a page lists, with the size of each one's subtree."""
    statement = select(
        Comment.id,
        Comment.path,
        Comment.score,
        Comment.created_at,
        _count_under(Comment).label("replies"),
    ).where(Comment.post_id == post_id)
    if branch is None:
        return statement.where(Comment.parent_id.is_(None))
    everything = aliased(Comment)
    branch_replies = select(func.count()).where(
        everything.post_id == post_id,
        everything.path > branch.path,
        everything.path < branch.path + "z",
    )
    return statement.add_columns(branch_replies.scalar_subquery().label("branch_replies")).where(
        Comment.depth == branch.depth + 1,
        Comment.path > branch.path,
        Comment.path < branch.path + "z",
    )


def _whole_or_cut(rows: list, budget: int) -> tuple[list, int]:
    """The listed rows to show: those whose subtrees fit `budget` whole, then perhaps one
    that is cut; and how many comments of the cut one to show (0: none is cut)."""
    shown: list = []
    left = budget
    for row in rows:
        size = 1 + row.replies
        if size <= left:
            shown.append(row)
            left -= size
            continue
        if not shown or left >= MIN_CUT:
            shown.append(row)
            return shown, left
        break
    return shown, 0


def _shown_comments(post_id: int, whole: list, cut, cut_size: int, depth_limit: int):
    """The comments of whole subtrees and the first `cut_size` of the cut one (in path
    order), each with its direct and total replies past the visible depth."""
    visible = and_(Comment.post_id == post_id, Comment.depth < depth_limit)
    parts = []
    if whole:
        ranges = (and_(Comment.path >= row.path, Comment.path < row.path + "z") for row in whole)
        parts.append(select(Comment.id).where(visible, or_(*ranges)))
    if cut is not None:
        first = (
            select(Comment.id)
            .where(visible, Comment.path >= cut.path, Comment.path < cut.path + "z")
            .order_by(Comment.path)
            .limit(cut_size)
            .subquery()
        )
        parts.append(select(first.c.id))
    at_edge = Comment.depth == depth_limit - 1
    statement = (
        select(
            Comment,
            case((at_edge, _count_under(Comment, lambda b: b.depth == depth_limit)), else_=0),
            case((at_edge, _count_under(Comment)), else_=0),
        )
        .where(Comment.id.in_(union_all(*parts) if len(parts) > 1 else parts[0]))
        .options(joinedload(Comment.author).joinedload(User.profile))
        .order_by(Comment.path)
    )
    return db.session.execute(statement).all()


def thread_page(
    post_id: int, sort: str, cursor: str | None = None, branch: Comment | None = None
) -> ThreadPage:
    """A page of the post's thread (or of `branch`'s replies, under `branch` itself)."""
    keys = _level_keys(sort)
    listed = keyset_page(
        _level(post_id, branch),
        keys,
        cursor,
        COMMENT_PAGE_SIZE,
        key_of=lambda row: _key_values(row, sort),
        scalars=False,
    )
    shown, cut_size = _whole_or_cut(listed.items, COMMENT_PAGE_SIZE)
    next_cursor = listed.next_cursor
    if len(shown) < len(listed.items):
        next_cursor = encode_cursor(keys, *_key_values(shown[-1], sort))
    cut = shown[-1] if cut_size else None
    whole = shown[:-1] if cut_size else shown
    depth_limit = (branch.depth if branch is not None else 0) + MAX_VISIBLE_DEPTH
    rows = _shown_comments(post_id, whole, cut, cut_size, depth_limit) if shown else []
    nodes: dict[int, ThreadNode] = {}
    for comment, edge_children, edge_total in rows:  # in path order: parents first
        node = ThreadNode(comment, hidden_replies=edge_children, reply_count=edge_total)
        nodes[comment.id] = node
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        if parent is not None:
            parent.children.append(node)
    for comment, _children, _total in reversed(rows):  # replies before their parents
        node = nodes[comment.id]
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        if parent is not None:
            parent.reply_count += 1 + node.reply_count
    key = _sort_key(sort)
    for node in nodes.values():
        node.children.sort(key=key)
    trees = [nodes[row.id] for row in shown if row.id in nodes]
    if cut is not None and cut.id in nodes:
        nodes[cut.id].more_replies = max(0, cut.replies - nodes[cut.id].reply_count)
    if branch is None:
        return ThreadPage(trees, next_cursor)
    replies = listed.items[0].branch_replies if listed.items else 0
    top = ThreadNode(branch, children=trees, reply_count=replies, next_page=next_cursor)
    return ThreadPage([top], next_cursor)


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
