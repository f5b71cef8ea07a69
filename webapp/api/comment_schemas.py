"""Schemas of the comments, search and reports parts of the API: a comment with its
replies (a thread as the post page shows it), what a comment request sends, and a
validator every free-text field of these parts shares."""

from __future__ import annotations

from marshmallow import Schema, fields, pre_dump, validate

from webapp.api.schemas import CommentSchema, RichTextInSchema, cursor_field, no_nul
from webapp.comments.queries import COMMENT_SORTS, MAX_VISIBLE_DEPTH, ThreadNode
from webapp.urls import MAX_ID


def text_field(max_length: int, *, required: bool = False, **kwargs) -> fields.String:
    """A text field of at most `max_length` characters, without NUL."""
    return fields.String(
        required=required,
        validate=[validate.Length(max=max_length), no_nul],
        **kwargs,
    )


class ThreadCommentSchema(CommentSchema):
    """A comment with its replies, nested as deep as the post page shows them. Beyond
    that depth `more_replies` counts the replies not shown: read them with
    GET /comments/{id} of the deepest comment shown."""

    replies = fields.List(
        fields.Nested(lambda: ThreadCommentSchema()),
        required=True,
        metadata={
            "description": f"Its replies, sorted like the thread, to depth {MAX_VISIBLE_DEPTH}."
        },
    )
    reply_count = fields.Integer(
        required=True, metadata={"description": "Every reply under it, at any depth."}
    )
    more_replies = fields.Integer(
        required=True,
        metadata={"description": "Direct replies beyond the depth shown (0 when none)."},
    )

    # The same name as CommentSchema's hook, so this one replaces it: a node, not a comment.
    @pre_dump
    def _from_comment(self, node: ThreadNode, **kwargs):
        data = CommentSchema._from_comment(self, node.comment)
        data["replies"] = node.children
        data["reply_count"] = node.reply_count
        data["more_replies"] = node.hidden_replies
        return data


class ThreadArgsSchema(Schema):
    sort = fields.String(
        load_default="best",
        validate=validate.OneOf(COMMENT_SORTS),
        metadata={"description": "best (score), new or old, as on the post page."},
    )


class ThreadPageArgsSchema(ThreadArgsSchema):
    cursor = cursor_field()


class CommentInSchema(RichTextInSchema):
    """A comment's text: HTML (what Quill writes) or plain text, cleaned by the site's
    sanitizer; the response carries the cleaned HTML."""

    body = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=100_000), no_nul],
        metadata={"description": "The text: HTML (body_format html) or plain text."},
    )


class NewCommentSchema(CommentInSchema):
    parent_id = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "The comment this replies to; null or absent: the post."},
    )
