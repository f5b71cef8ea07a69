"""How communities look in the API, and what creating or editing one takes. The limits
are the services' own (`webapp.communities.services`), so the spec states them; the
services still check everything themselves."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, pre_dump, validate

from webapp.api.schemas import PersonRefSchema, no_nul, page_of, service_rule
from webapp.communities import services
from webapp.communities.services import TEXT_MAX, TITLE_MAX
from webapp.models.community import (
    COMMUNITY_NAME_CHARS,
    COMMUNITY_NAME_MAX,
    COMMUNITY_NAME_MIN,
    ROLES,
)

MEMBERSHIPS = ("none", *ROLES)


def _checked_title(title: str) -> object:
    # The service checks title, description and rules together; only the title can be
    # refused for more than its length, which the schema states.
    return services._checked_details(title, "", "")


def _page_url(name: str) -> str:
    return url_for("communities.page", name=name, _external=True)


class CommunitySummarySchema(Schema):
    """A community as the directory lists it."""

    name = fields.String(required=True, metadata={"description": "Permanent: /c/<name>."})
    title = fields.String(required=True)
    description = fields.String(required=True, metadata={"description": "Plain text."})
    member_count = fields.Integer(required=True)
    post_count = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)
    url = fields.String(required=True, metadata={"description": "The community's page."})

    @pre_dump
    def _from_community(self, community, **kwargs):
        return {
            "name": community.name,
            "title": community.title,
            "description": community.description,
            "member_count": community.member_count,
            "post_count": community.post_count,
            "created_at": community.created_at,
            "url": _page_url(community.name),
        }


class ModeratorSchema(Schema):
    person = fields.Nested(PersonRefSchema, required=True)
    role = fields.String(required=True, validate=validate.OneOf(["owner", "moderator"]))


class CommunitySchema(CommunitySummarySchema):
    """One community as its page shows it: with its rules, its moderators (owner first)
    and the token owner's membership."""

    rules = fields.String(required=True, metadata={"description": "Plain text."})
    moderators = fields.List(fields.Nested(ModeratorSchema), required=True)
    membership = fields.String(
        required=True,
        validate=validate.OneOf(MEMBERSHIPS),
        metadata={"description": "The token owner's role here: none, member, moderator, owner."},
    )
    can_edit = fields.Boolean(
        required=True,
        metadata={"description": "Whether the token's owner may edit it (moderators, admins)."},
    )

    @pre_dump
    def _from_community(self, view, **kwargs):
        community, membership = view.community, view.membership
        return {
            "name": community.name,
            "title": community.title,
            "description": community.description,
            "rules": community.rules,
            "member_count": community.member_count,
            "post_count": community.post_count,
            "created_at": community.created_at,
            "url": _page_url(community.name),
            "moderators": [{"person": m.user, "role": m.role} for m in view.moderators],
            "membership": membership.role if membership is not None else "none",
            "can_edit": view.is_moderator,
        }


class MemberSchema(Schema):
    person = fields.Nested(PersonRefSchema, required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    joined_at = fields.AwareDateTime(required=True)

    @pre_dump
    def _from_membership(self, membership, **kwargs):
        return {
            "person": membership.user,
            "role": membership.role,
            "joined_at": membership.joined_at,
        }


class MembershipStateSchema(Schema):
    """The token owner's membership after joining or leaving, and the member count."""

    membership = fields.String(required=True, validate=validate.OneOf(MEMBERSHIPS))
    members = fields.Integer(required=True)


class DirectoryArgsSchema(Schema):
    sort = fields.String(
        load_default="members",
        validate=validate.OneOf(["members", "new", "name"]),
        metadata={"description": "As the directory page: most members, newest, or by name."},
    )
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=256),
        metadata={"description": "The `next` of the previous page; omit for the first."},
    )


def _title(**kwargs) -> fields.String:
    return fields.String(
        validate=[validate.Length(max=TITLE_MAX), no_nul, service_rule(_checked_title)],
        metadata={"description": "Shown as the community's heading.", "minLength": 1},
        **kwargs,
    )


def _text(description: str) -> fields.String:
    return fields.String(
        load_default="",
        validate=[validate.Length(max=TEXT_MAX), no_nul],
        metadata={"description": description},
    )


class CommunityCreateSchema(Schema):
    name = fields.String(
        required=True,
        validate=[
            validate.Length(min=COMMUNITY_NAME_MIN, max=COMMUNITY_NAME_MAX),
            service_rule(services.checked_name),
        ],
        metadata={
            "description": "Permanent: 3–30 lowercase letters, digits, underscores.",
            "pattern": rf"^[{COMMUNITY_NAME_CHARS}]+$",
        },
    )
    title = _title(required=True)
    description = _text("What the community is about (plain text).")
    rules = _text("The community's rules (plain text).")


class CommunityUpdateSchema(Schema):
    """Only the fields sent change."""

    title = _title()
    description = fields.String(validate=[validate.Length(max=TEXT_MAX), no_nul])
    rules = fields.String(validate=[validate.Length(max=TEXT_MAX), no_nul])


CommunitySummaryPageSchema = page_of(CommunitySummarySchema, "CommunityPage")
MemberPageSchema = page_of(MemberSchema, "MemberPage")
