"""`/api/v1`: Communities: the directory, one community, joining, members.

The same queries and services as the community pages (`webapp.communities`): the
directory's sorts and cursors, the sidebar's view of one community, and the services
that create, edit, join and leave, with their rules and messages."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import abort

from webapp.api.community_schemas import (
    CommunityCreateSchema,
    CommunitySchema,
    CommunitySummaryPageSchema,
    CommunityUpdateSchema,
    DirectoryArgsSchema,
    MemberPageSchema,
    MembershipStateSchema,
)
from webapp.api.core import api_blueprint
from webapp.api.schemas import CursorArgsSchema
from webapp.communities import queries, services
from webapp.models import Community
from webapp.web import found_or_404

bp = api_blueprint(
    "Communities", __name__, "Communities: the directory, one community, joining, members."
)

# The community pages' list length.
PAGE_SIZE = 50


def _community(name: str) -> Community:
    return found_or_404(queries.community_by_name(name))


def _membership_state(community: Community) -> dict:
    membership = queries.membership_of(current_user, community.id)
    return {
        "membership": membership.role if membership is not None else "none",
        "members": community.member_count,
    }


@bp.route("/communities")
class Communities(MethodView):
    @bp.etag
    @bp.arguments(DirectoryArgsSchema, location="query")
    @bp.response(200, CommunitySummaryPageSchema)
    @bp.errors(400, 422)
    def get(self, args: dict):
        """The directory of communities.

        Sorted as the directory page sorts them: by members (the default), newest
        first, or by name."""
        page = queries.directory_page(args["sort"], args["cursor"], PAGE_SIZE)
        return {"items": page.items, "next": page.next_cursor}

    @bp.arguments(
        CommunityCreateSchema,
        example={
            "name": "books",
            "title": "Books",
            "description": "Reading, writing, and the books we love.",
            "rules": "Be kind. No spoilers in titles.",
        },
    )
    @bp.response(201, CommunitySchema)
    @bp.errors(400, 409, 422)
    def post(self, data: dict):
        """Start a community.

        The token's owner becomes its owner and first member. The name is permanent:
        3–30 lowercase letters, digits and underscores, not one of the site's own words
        (422), and not taken (409). Description and rules are plain text."""
        if queries.community_by_name(data["name"]) is not None:
            # The form's check (NewCommunityForm.validate_name); the service still
            # refuses a name taken by a concurrent request.
            taken = str(_l("A community with this name already exists."))
            abort(409, message=taken, errors={"name": [taken]})
        community = services.create_community(
            current_user,
            data["name"],
            data["title"],
            data["description"],
            data["rules"],
        )
        return queries.community_sidebar(community, current_user)


@bp.route("/communities/<name>")
class OneCommunity(MethodView):
    @bp.etag
    @bp.response(200, CommunitySchema)
    @bp.errors(400, 404)
    def get(self, name: str):
        """One community.

        Its details, counts and moderators (owner first), and the token owner's
        membership: none, member, moderator or owner."""
        return queries.community_sidebar(_community(name), current_user)

    @bp.arguments(
        CommunityUpdateSchema,
        example={"title": "Books and reading", "rules": "Be kind. No spoilers in titles."},
    )
    @bp.response(200, CommunitySchema)
    @bp.errors(400, 404, 422)
    def patch(self, data: dict, name: str):
        """Edit a community's title, description or rules.

        Only the fields sent change. Moderators, owners and site admins only (403
        for others)."""
        community = _community(name)
        services.update_community(
            current_user,
            community,
            data.get("title", community.title),
            data.get("description", community.description),
            data.get("rules", community.rules),
        )
        return queries.community_sidebar(community, current_user)


@bp.route("/communities/<name>/membership")
class CommunityMembership(MethodView):
    @bp.response(200, MembershipStateSchema)
    @bp.errors(400, 404)
    def put(self, name: str):
        """Join a community.

        Joining twice is joining once. Someone banned from the community is refused
        (403, saying why and until when)."""
        community = _community(name)
        services.join_community(current_user, community)
        return _membership_state(community)

    @bp.response(200, MembershipStateSchema)
    @bp.errors(400, 404, 409)
    def delete(self, name: str):
        """Leave a community.

        Leaving a community you are not in changes nothing. Its owner cannot leave
        (409): they hand it over first."""
        community = _community(name)
        services.leave_community(current_user, community)
        return _membership_state(community)


@bp.route("/communities/<name>/members")
class Members(MethodView):
    @bp.etag
    @bp.arguments(CursorArgsSchema, location="query")
    @bp.response(200, MemberPageSchema)
    @bp.errors(400, 404, 422)
    def get(self, args: dict, name: str):
        """Who belongs to the community, newest members first, with their roles."""
        community = _community(name)
        page = queries.members_page(community.id, args["cursor"], PAGE_SIZE)
        return {"items": page.items, "next": page.next_cursor}
