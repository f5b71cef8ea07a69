"""`/api/v1`: Comments: a post's thread, replying, editing, deleting.

The thread is the post page's own (`comments.queries.comment_thread`: one query, arranged
and sorted in Python); the page shows it whole, the API hands out its top-level comments
a page at a time, each with its replies, behind a signed cursor on the same sort."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.views import MethodView
from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy import Integer, literal_column

from webapp.api.comment_schemas import (
    CommentInSchema,
    NewCommentSchema,
    ThreadArgsSchema,
    ThreadCommentSchema,
    ThreadPageArgsSchema,
)
from webapp.api.core import api_blueprint
from webapp.api.schemas import CommentSchema
from webapp.comments import queries as comment_queries
from webapp.comments import services
from webapp.comments.queries import MAX_THREAD_COMMENTS, ThreadNode
from webapp.models import Comment
from webapp.pagination import SortKey, decode_cursor, encode_cursor
from webapp.posts import queries as post_queries
from webapp.sanitize import RichText
from webapp.votes import queries as vote_queries
from webapp.web import found_or_404

bp = api_blueprint("Comments", __name__, "Comments: a post's thread, replying, editing, deleting.")

PAGE_SIZE = 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _keys(sort: str) -> tuple[SortKey, ...]:
    """Names the ordering of a thread's top-level comments, so that a cursor of one sort
    means nothing to another (only signed, never run as SQL)."""
    names = {"best": ("score", "created", "id"), "new": ("created", "id"), "old": ("created", "id")}
    return tuple(
        SortKey(literal_column(f"comment_thread_{sort}_{name}", Integer)) for name in names[sort]
    )


def _position(node: ThreadNode, sort: str) -> tuple[int, ...]:
    """Where a top-level comment stands in the thread, as ascending integers: the order
    of the post page (best: score, then newest; new; old), then the thread's path."""
    comment = node.comment
    micros = (comment.created_at.astimezone(UTC) - _EPOCH) // timedelta(microseconds=1)
    if sort == "new":
        return (-micros, -comment.id)
    if sort == "old":
        return (micros, comment.id)
    return (-comment.score, -micros, comment.id)


def _mark_my_votes(nodes: list[ThreadNode]) -> None:
    """Put the token owner's vote on every comment of the trees (one query)."""
    votes = vote_queries.my_comment_votes(current_user, comment_queries.comment_ids(nodes))
    stack = list(nodes)
    while stack:
        node = stack.pop()
        node.comment.my_vote = votes.get(node.comment.id, 0)  # type: ignore[attr-defined]
        stack.extend(node.children)


def _comment(comment_id: int) -> Comment:
    return found_or_404(comment_queries.comment_with_post(comment_id))


def _dumpable(comment_id: int) -> Comment:
    """The comment as a response shows it: with its author, and the owner's vote."""
    comment = _comment(comment_id)
    votes = vote_queries.my_comment_votes(current_user, [comment.id])
    comment.my_vote = votes.get(comment.id, 0)  # type: ignore[attr-defined]
    return comment


ThreadPageSchema = Schema.from_dict(
    {
        "items": fields.List(fields.Nested(ThreadCommentSchema), required=True),
        "next": fields.String(
            required=True,
            allow_none=True,
            metadata={"description": "Pass as `cursor` for the next page; null at the end."},
        ),
        "truncated": fields.Boolean(
            required=True,
            metadata={
                "description": f"The discussion is longer than the {MAX_THREAD_COMMENTS} "
                "comments a thread read covers (as on the page): read the rest of a "
                "branch with GET /comments/{id}."
            },
        ),
    },
    name="CommentThreadPage",
)


@bp.route("/posts/<id:post_id>/comments")
class PostComments(MethodView):
    @bp.etag
    @bp.arguments(ThreadPageArgsSchema, location="query")
    @bp.response(200, ThreadPageSchema)
    @bp.errors(400, 404, 422)
    def get(self, args, post_id: int):
        """A post's comments, a page of top-level comments at a time.

        Sorted like the post page (`sort`: best, new or old), each top-level comment with
        its replies nested (`replies`, as deep as the page shows them), `reply_count` and
        `more_replies`. Removed and deleted comments keep their place without their words."""
        post = found_or_404(post_queries.post_for_page(post_id))
        sort = args["sort"]
        keys = _keys(sort)
        roots = sorted(
            comment_queries.comment_thread(post.id, sort), key=lambda n: _position(n, sort)
        )
        after = decode_cursor(args["cursor"], keys)
        if after is not None:
            bound = tuple(after)
            roots = [node for node in roots if _position(node, sort) > bound]
        page = roots[:PAGE_SIZE]
        next_cursor = None
        if len(roots) > PAGE_SIZE:
            next_cursor = encode_cursor(keys, *_position(page[-1], sort))
        _mark_my_votes(page)
        return {
            "items": page,
            "next": next_cursor,
            "truncated": post.comment_count > MAX_THREAD_COMMENTS,
        }

    @bp.arguments(
        NewCommentSchema,
        example={"body": "<p>I <strong>agree</strong>.</p>", "body_format": "html"},
    )
    @bp.response(201, CommentSchema)
    @bp.errors(400, 404, 409, 422)
    def post(self, data, post_id: int):
        """Comment on a post, or reply to one of its comments (`parent_id`).

        The body is cleaned by the site's sanitizer; the response carries the cleaned
        HTML. A locked post takes no comments (403); a deleted comment takes no replies
        (409); a `parent_id` of another post is refused (422)."""
        post = found_or_404(post_queries.post_for_page(post_id))
        body = RichText(data["body"], data["body_format"])
        comment = services.add_comment(current_user, post, data["parent_id"], body)
        return _dumpable(comment.id)


@bp.route("/comments/<id:comment_id>")
class OneComment(MethodView):
    @bp.etag
    @bp.arguments(ThreadArgsSchema, location="query")
    @bp.response(200, ThreadCommentSchema)
    @bp.errors(400, 404, 422)
    def get(self, args, comment_id: int):
        """One comment with its replies (sorted by `sort`), as its thread's page shows it."""
        comment = _comment(comment_id)
        nodes = comment_queries.comment_thread(comment.post_id, args["sort"], root=comment)
        node = next((n for n in nodes if n.comment.id == comment.id), ThreadNode(comment))
        _mark_my_votes([node])
        return node

    @bp.arguments(CommentInSchema, example={"body": "Edited: thanks!", "body_format": "text"})
    @bp.response(200, CommentSchema)
    @bp.errors(400, 404, 409, 422)
    def patch(self, data, comment_id: int):
        """Edit your comment's text (cleaned by the sanitizer).

        Only its author edits it (403), while the discussion is open: a deleted or
        removed comment, or one under a locked or taken-down post, stays as it is (409)."""
        comment = _comment(comment_id)
        services.edit_comment(current_user, comment, RichText(data["body"], data["body_format"]))
        return _dumpable(comment.id)

    @bp.response(204)
    @bp.errors(404)
    def delete(self, comment_id: int):
        """Delete your comment: it keeps its place in the thread as "[deleted]", and its
        replies stay. Only its author deletes it, once, unless the post is locked (403)."""
        services.delete_comment(current_user, _comment(comment_id))
