"""The API's schemas for posts and feeds: what a feed request may ask (the pages' sorts,
windows and cursors), what a post is written with, and a post as its own page shows it.

The title, link and tags are checked by the post services' own rules while the request
is read, so a refusal names the field (422) with the message the web form shows."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_dump, validate, validates_schema

from webapp.api.schemas import (
    CursorArgsSchema,
    PostSchema,
    RichTextInSchema,
    page_of,
    service_rule,
)
from webapp.domain import DomainError
from webapp.feeds.queries import SORTS, TOP_WINDOWS
from webapp.i18n import number
from webapp.models.community import COMMUNITY_NAME_MAX
from webapp.models.post import TITLE_MAX
from webapp.models.tag import MAX_TAGS_PER_POST
from webapp.posts import services as post_services
from webapp.sanitize import RichText
from webapp.tags import services as tag_services

LINK_MAX = 2000
RAW_TAG_MAX = 100  # as typed: "#Machine Learning"; the service checks the name it makes


def _title_too_long() -> object:
    return _l("A title has at most %(max)s characters.", max=number(TITLE_MAX))


def _link_too_long() -> object:
    return _l("That link is too long.")


def _too_many_tags() -> object:
    return _l("Use at most %(count)s tags.", count=number(MAX_TAGS_PER_POST))


class FeedArgsSchema(CursorArgsSchema):
    """A feed's order, as on the pages: `sort` and, for top, the time window `t`."""

    sort = fields.String(
        load_default="hot",
        validate=validate.OneOf(SORTS),
        metadata={"description": "hot (default), new, or top."},
    )
    t = fields.String(
        load_default="day",
        validate=validate.OneOf(tuple(TOP_WINDOWS)),
        metadata={"description": "For sort=top: the window the posts were written in."},
    )


PostPageSchema = page_of(PostSchema, "PostPage")


class CommunityPostPageSchema(Schema):
    """A community's feed. Pinned posts are apart, as on its page: listed in `pinned` on
    the first page only (none when a `cursor` is given), never among `items`."""

    pinned = fields.List(
        fields.Nested(PostSchema),
        required=True,
        metadata={"description": "The pinned posts, newest first; empty after page one."},
    )
    items = fields.List(fields.Nested(PostSchema), required=True)
    next = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Pass as `cursor` for the next page; null at the end."},
    )


def _title_field(required: bool) -> fields.String:
    return fields.String(
        required=required,
        validate=service_rule(post_services.checked_title, TITLE_MAX, _title_too_long),
        metadata={"description": "The title.", "minLength": 1, "maxLength": TITLE_MAX},
    )


def _link_field() -> fields.String:
    return fields.String(
        allow_none=True,
        validate=service_rule(post_services.checked_url, LINK_MAX, _link_too_long),
        metadata={
            "description": "An http(s) address the post points to; null or empty for none.",
            "maxLength": LINK_MAX,
        },
    )


def _tags_field() -> fields.List:
    return fields.List(
        fields.String(validate=validate.Length(max=RAW_TAG_MAX)),
        validate=service_rule(tag_services.parse_tags, MAX_TAGS_PER_POST, _too_many_tags),
        metadata={
            "description": "Tag names ('Machine Learning' is machine-learning).",
            "maxItems": MAX_TAGS_PER_POST,
        },
    )


class _PostBodyCheck(RichTextInSchema):
    """The body's length is the post services' rule, on its text once cleaned."""

    @validates_schema
    def _body_fits(self, data, **kwargs) -> None:
        if not data.get("body"):
            return
        html = RichText(data["body"], data.get("body_format", "html")).to_html()
        try:
            post_services._body_text(html)  # noqa: SLF001 (the rule has no public name yet)
        except DomainError as error:
            raise ValidationError(str(error.message), field_name="body") from error


class PostInSchema(_PostBodyCheck):
    """A new post: where, its title, and optionally a link, a body and tags."""

    community = fields.String(
        required=True,
        validate=validate.Length(min=1, max=COMMUNITY_NAME_MAX),
        metadata={"description": "The community's name."},
    )
    title = _title_field(required=True)
    link = _link_field()
    tags = _tags_field()


class PostEditSchema(_PostBodyCheck):
    """Changes to a post: only the fields sent change. Without `body` the body stays
    exactly as it was."""

    title = _title_field(required=False)
    link = _link_field()
    tags = _tags_field()
    body = fields.String(
        validate=validate.Length(max=100_000),
        metadata={"description": "The new text: HTML (body_format html) or plain text."},
    )


class PostDetailSchema(PostSchema):
    """One post as its page shows it: a removed post keeps its words for the community's
    moderators (with the reason it was removed), for nobody else."""

    removal_reason = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Why moderators removed it: shown to moderators only."},
    )

    @pre_dump
    def _from_post(self, post, **kwargs):
        shown = PostSchema._from_post(self, post, **kwargs)
        moderator_sees = getattr(post, "moderator_sees", False)
        if moderator_sees and post.removed_at is not None and post.deleted_at is None:
            shown.update(
                title=post.title,
                link=post.url,
                body_html=post.body_html,
                tags=[tag.name for tag in post.tags],
            )
        shown["removal_reason"] = post.removal_reason if moderator_sees else None
        return shown
