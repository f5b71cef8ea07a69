"""The API's shared marshmallow schemas: the error shape, cursors and pages, and how
people, communities, posts, comments and tags look in every response. Each area's
module adds the schemas only it uses. Removed or deleted content never shows its words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_dump, validate

from webapp.domain import DomainError
from webapp.pagination import MAX_CURSOR_LENGTH

REMOVED = "[removed]"
DELETED = "[deleted]"


class ErrorBodySchema(Schema):
    code = fields.String(
        required=True, metadata={"description": "Machine-readable: not_found, invalid…"}
    )
    message = fields.String(required=True, metadata={"description": "For people, localized."})
    field_messages = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "Messages per field of the request (may be empty)."},
    )


class ErrorSchema(Schema):
    """Every error: `{"error": {"code", "message", "fields"}}`."""

    error = fields.Nested(ErrorBodySchema, required=True)


# Text fields never take a NUL: the spec says so (a pattern), so a request with one is 422.
no_nul = validate.Regexp(
    r"^[^\x00]*$", error=_l("This text contains a character that is not allowed.")
)


def service_rule(
    check: Callable[[Any], object],
    max_length: int | None = None,
    too_long: Callable[[], object] | None = None,
) -> Callable[[Any], None]:
    """A field validator that asks the services' own check (as `validation.Rule` does for
    the forms), so the API refuses what the pages refuse, with the same message, as 422.
    `max_length` holds the value as sent to the limit the spec states (the service
    measures it stripped), with `too_long()`'s message."""

    def validator(value) -> None:
        try:
            check(value)
        except DomainError as error:
            raise ValidationError(str(error.message)) from None
        if max_length is not None and value is not None and len(value) > max_length:
            raise ValidationError(str(too_long() if too_long else ""))

    return validator


def cursor_field() -> fields.String:
    """The `cursor` query argument: the `next` of a previous page (URL-safe base64)."""
    return fields.String(
        load_default=None,
        validate=[validate.Length(max=MAX_CURSOR_LENGTH), validate.Regexp(r"^[A-Za-z0-9_-]*$")],
        metadata={"description": "The `next` of the previous page; omit for the first."},
    )


class CursorArgsSchema(Schema):
    cursor = cursor_field()


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """A page of a list: `{"items": […], "next": cursor or null}`."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "next": fields.String(
                required=True,
                allow_none=True,
                metadata={"description": "Pass as `cursor` for the next page; null at the end."},
            ),
        },
        name=name,
    )


class PersonRefSchema(Schema):
    """A person as lists and bylines show them."""

    username = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "Display name, or username."})
    url = fields.String(required=True, metadata={"description": "Their profile page."})

    @pre_dump
    def _from_user(self, user, **kwargs):
        profile = user.profile
        return {
            "username": profile.username,
            "name": profile.name,
            "url": url_for("profiles.profile", username=profile.username, _external=True),
        }


class CommunityRefSchema(Schema):
    name = fields.String(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The community's page."})

    @pre_dump
    def _from_community(self, community, **kwargs):
        return {
            "name": community.name,
            "title": community.title,
            "url": url_for("communities.page", name=community.name, _external=True),
        }


class PostSchema(Schema):
    """A post. A removed or deleted post keeps its place but not its words. `my_vote` is
    the token owner's vote: -1, 0 or 1."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    link = fields.String(allow_none=True, required=True, metadata={"description": "http(s)."})
    body_html = fields.String(required=True, metadata={"description": "Cleaned HTML."})
    community = fields.Nested(CommunityRefSchema, required=True)
    author = fields.Nested(PersonRefSchema, allow_none=True, required=True)
    tags = fields.List(fields.String(), required=True)
    score = fields.Integer(required=True)
    upvotes = fields.Integer(required=True)
    downvotes = fields.Integer(required=True)
    comment_count = fields.Integer(required=True)
    is_pinned = fields.Boolean(required=True)
    is_locked = fields.Boolean(required=True)
    is_removed = fields.Boolean(required=True)
    is_deleted = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    edited_at = fields.AwareDateTime(allow_none=True, required=True)
    my_vote = fields.Integer(required=True, validate=validate.OneOf([-1, 0, 1]))
    url = fields.String(required=True, metadata={"description": "The post's page."})

    @pre_dump
    def _from_post(self, post, **kwargs):
        visible = post.is_visible
        title = post.title
        if post.deleted_at is not None:
            title = DELETED
        elif post.removed_at is not None:
            title = REMOVED
        return {
            "id": post.id,
            "title": title,
            "link": post.url if visible else None,
            "body_html": post.body_html if visible else "",
            "community": post.community,
            "author": post.author if post.deleted_at is None else None,
            "tags": [tag.name for tag in post.tags] if visible else [],
            "score": post.score,
            "upvotes": post.upvotes,
            "downvotes": post.downvotes,
            "comment_count": post.comment_count,
            "is_pinned": post.is_pinned,
            "is_locked": post.is_locked,
            "is_removed": post.removed_at is not None,
            "is_deleted": post.deleted_at is not None,
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "my_vote": getattr(post, "my_vote", 0),
            "url": url_for("posts.detail", post_id=post.id, slug=post.slug, _external=True),
        }


class CommentSchema(Schema):
    """A comment. `parent_id` is null for a reply to the post itself."""

    id = fields.Integer(required=True)
    post_id = fields.Integer(required=True)
    parent_id = fields.Integer(allow_none=True, required=True)
    depth = fields.Integer(required=True)
    body_html = fields.String(required=True, metadata={"description": "Cleaned HTML."})
    author = fields.Nested(PersonRefSchema, allow_none=True, required=True)
    score = fields.Integer(required=True)
    upvotes = fields.Integer(required=True)
    downvotes = fields.Integer(required=True)
    is_removed = fields.Boolean(required=True)
    is_deleted = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    edited_at = fields.AwareDateTime(allow_none=True, required=True)
    my_vote = fields.Integer(required=True, validate=validate.OneOf([-1, 0, 1]))

    @pre_dump
    def _from_comment(self, comment, **kwargs):
        body = comment.body_html
        if comment.deleted_at is not None:
            body = DELETED
        elif comment.removed_at is not None:
            body = REMOVED
        return {
            "id": comment.id,
            "post_id": comment.post_id,
            "parent_id": comment.parent_id,
            "depth": comment.depth,
            "body_html": body,
            "author": comment.author if comment.deleted_at is None else None,
            "score": comment.score,
            "upvotes": comment.upvotes,
            "downvotes": comment.downvotes,
            "is_removed": comment.removed_at is not None,
            "is_deleted": comment.deleted_at is not None,
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
            "my_vote": getattr(comment, "my_vote", 0),
        }


class TagSchema(Schema):
    name = fields.String(required=True)
    post_count = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "The tag's page."})

    @pre_dump
    def _from_tag(self, tag, **kwargs):
        return {
            "name": tag.name,
            "post_count": tag.post_count,
            "url": url_for("tags.tag", name=tag.name, _external=True),
        }


class RichTextInSchema(Schema):
    """Rich text arrives as the HTML Quill writes or as plain text; either way it goes
    through the site's sanitizer, and responses carry the cleaned HTML."""

    body = fields.String(
        load_default="",
        validate=validate.Length(max=100_000),
        metadata={"description": "The text: HTML (body_format html) or plain text."},
    )
    body_format = fields.String(load_default="html", validate=validate.OneOf(["html", "text"]))
