"""`/api/v1`: Reports to the moderators.

Filing a report and the report queues go through the same services, queries and rules as
the pages: `/report/<kind>/<id>` to file, `/admin/reports` (site admins: every report, a
ban is from the whole site) and `/mod/reports` (moderators: their communities' reports, a
ban is from the community). A site admin's token acts as on /admin."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields, pre_dump, validate

from webapp.api.comment_schemas import text_field
from webapp.api.core import api_blueprint
from webapp.api.schemas import CommunityRefSchema, PersonRefSchema, cursor_field, no_nul, page_of
from webapp.models.report import (
    DETAILS_MAX,
    REPORT_REASONS,
    REPORT_STATUSES,
    REPORT_TARGETS,
    STATUS_BANNED,
    STATUS_DISMISSED,
    STATUS_REMOVED,
)
from webapp.moderation.blueprint import moderates_any_community
from webapp.moderation.log import BAN_DAYS_MAX, REASON_MAX
from webapp.reports import queries, services
from webapp.reports.queries import QUEUE_STATES, QueueScope, ReportRow
from webapp.urls import MAX_ID
from webapp.web import found_or_404

bp = api_blueprint("Reports", __name__, "Reports to the moderators.")

PAGE_SIZE = 25  # as the queue pages
OUTCOMES = (STATUS_REMOVED, STATUS_DISMISSED, STATUS_BANNED)


class NewReportSchema(Schema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(REPORT_TARGETS),
        metadata={"description": "What is reported: a post, comment, user or community."},
    )
    id = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Its id."},
    )
    reason = fields.String(required=True, validate=validate.OneOf(REPORT_REASONS))
    details = text_field(
        DETAILS_MAX,
        load_default="",
        metadata={"description": 'What is wrong, for the moderators; required for "other".'},
    )


class ReportSchema(Schema):
    """A report as the person who filed it sees it."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(REPORT_TARGETS))
    target_id = fields.Integer(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(REPORT_REASONS))
    details = fields.String(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(REPORT_STATUSES),
        metadata={"description": "open, or how it was resolved: removed, dismissed, banned."},
    )
    created_at = fields.AwareDateTime(required=True)

    @pre_dump
    def _from_report(self, report, **kwargs):
        return {
            "id": report.id,
            "kind": report.target_type,
            "target_id": report.target_id,
            "reason": report.reason,
            "details": report.details,
            "status": report.status,
            "created_at": report.created_at,
        }


class ReportedItemSchema(Schema):
    """What was reported, as the queue shows it to those who resolve reports (the words
    of a removed or deleted post or comment included)."""

    title = fields.String(
        required=True,
        metadata={
            "description": "The post's title (a comment: its post's), the person's "
            "name or the community's title."
        },
    )
    excerpt = fields.String(required=True, metadata={"description": "Plain text, ≤ 300."})
    url = fields.String(required=True, metadata={"description": "Its page."})
    is_removed = fields.Boolean(required=True)
    is_deleted = fields.Boolean(required=True)


class QueueReportSchema(ReportSchema):
    """A report in a queue: who filed it, what it is about, and how it was resolved."""

    reporter = fields.Nested(PersonRefSchema, required=True, allow_none=True)
    target_user = fields.Nested(
        PersonRefSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The person reported, or the author of the post or comment."},
    )
    community = fields.Nested(CommunityRefSchema, required=True, allow_none=True)
    item = fields.Nested(
        ReportedItemSchema,
        required=True,
        allow_none=True,
        metadata={"description": "null when it no longer exists."},
    )
    open_reports_of_item = fields.Integer(required=True)
    resolved_at = fields.AwareDateTime(required=True, allow_none=True)
    resolver = fields.Nested(PersonRefSchema, required=True, allow_none=True)
    resolution_reason = fields.String(required=True)

    # The same name as ReportSchema's hook, so this one replaces it: a queue row.
    @pre_dump
    def _from_report(self, row: ReportRow, **kwargs):
        data = ReportSchema._from_report(self, row.report)
        data.update(
            reporter=row.reporter,
            target_user=row.target_user,
            community=row.community,
            item=_reported_item(row),
            open_reports_of_item=row.open_reports_of_item,
            resolved_at=row.report.resolved_at,
            resolver=row.resolver,
            resolution_reason=row.report.resolution_reason,
        )
        return data


def _reported_item(row: ReportRow) -> dict | None:
    kind = row.report.target_type
    if kind == "post" and row.post is not None:
        post = row.post
        return {
            "title": post.title,
            "excerpt": post.body_text[:300],
            "url": url_for("posts.detail", post_id=post.id, slug=post.slug, _external=True),
            "is_removed": post.removed_at is not None,
            "is_deleted": post.deleted_at is not None,
        }
    if kind == "comment" and row.comment is not None and row.comment_post is not None:
        comment, post = row.comment, row.comment_post
        url = url_for(
            "posts.detail",
            post_id=post.id,
            slug=post.slug,
            thread=comment.id,
            _anchor=f"comment-{comment.id}",
            _external=True,
        )
        return {
            "title": post.title,
            "excerpt": comment.body_text[:300],
            "url": url,
            "is_removed": comment.removed_at is not None,
            "is_deleted": comment.deleted_at is not None,
        }
    if kind == "user" and row.target_user is not None:
        profile = row.target_user.profile
        return {
            "title": profile.name,
            "excerpt": "",
            "url": url_for("profiles.profile", username=profile.username, _external=True),
            "is_removed": False,
            "is_deleted": False,
        }
    if kind == "community" and row.community is not None:
        return {
            "title": row.community.title,
            "excerpt": "",
            "url": url_for("communities.page", name=row.community.name, _external=True),
            "is_removed": False,
            "is_deleted": False,
        }
    return None


class QueueArgsSchema(Schema):
    cursor = cursor_field()
    state = fields.String(load_default="open", validate=validate.OneOf(QUEUE_STATES))
    kind = fields.String(
        load_default=None,
        validate=validate.OneOf(REPORT_TARGETS),
        metadata={"description": "Only reports of posts, comments, users or communities."},
    )


class ResolveSchema(Schema):
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(OUTCOMES),
        metadata={
            "description": "removed (posts and comments), dismissed, or banned (the person "
            "behind it: from the whole site for site admins, else from the community)."
        },
    )
    reason = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=REASON_MAX), no_nul],
        metadata={"description": "Why: it goes into the moderation log."},
    )
    ban_days = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=BAN_DAYS_MAX),
        metadata={"description": "For a ban: its days; null or absent for no end."},
    )


class ResolvedSchema(Schema):
    report = fields.Nested(QueueReportSchema, required=True)
    closed = fields.Integer(
        required=True,
        metadata={"description": "How many open reports of the same item were closed."},
    )


def _queue_of_token_owner() -> tuple[QueueScope, bool]:
    """The queue the token's owner works (site admins: every report, as on /admin, and
    bans from the whole site; moderators: their communities', as on /mod/reports, and
    bans from the community), or a 403."""
    if current_user.is_admin:
        return QueueScope(everything=True), True
    if not moderates_any_community(current_user):
        abort(403, message=str(_l("Only moderators can open this page.")))
    return QueueScope(moderator=current_user), False


@bp.route("/reports")
class Reports(MethodView):
    @bp.etag
    @bp.arguments(QueueArgsSchema, location="query")
    @bp.response(200, page_of(QueueReportSchema, "ReportQueuePage"))
    @bp.errors(400, 403, 422)
    def get(self, args):
        """The report queue of the token's owner, newest first.

        Site admins get every report (as /admin/reports), moderators the reports of the
        communities they moderate (as /mod/reports); anyone else a 403. `state`: open
        or resolved; `kind`: one kind of item."""
        scope, _site_wide = _queue_of_token_owner()
        page = queries.report_queue(scope, args["state"], args["kind"], args["cursor"], PAGE_SIZE)
        return {"items": page.items, "next": page.next_cursor}

    @bp.arguments(
        NewReportSchema,
        example={"kind": "post", "id": 42, "reason": "spam", "details": "Sells watches."},
    )
    @bp.response(201, ReportSchema)
    @bp.errors(400, 404, 409, 422)
    def post(self, data):
        """Report a post, comment, person or community to the moderators.

        Once per item (a second report is 409); never yourself or what you wrote (403);
        what is gone or taken down is 404. A reason of "other" needs `details` (422)."""
        return services.file_report(
            current_user, data["kind"], data["id"], data["reason"], data["details"]
        )


@bp.route("/reports/<id:report_id>/resolve")
class ResolveReport(MethodView):
    @bp.arguments(
        ResolveSchema,
        example={"outcome": "removed", "reason": "Spam, as reported."},
    )
    @bp.response(200, ResolvedSchema)
    @bp.errors(400, 404, 409, 422)
    def post(self, data, report_id: int):
        """Resolve a report in one step: remove the item, dismiss, or ban the person
        behind it; every open report of the same item closes with it.

        The same service and rules as the queue pages: site admins resolve any report and
        ban from the whole site; moderators resolve their communities' reports and ban
        from the community. A report outside the token owner's queue is 404, one that is
        resolved already 409, an outcome this report does not offer 422."""
        scope, site_wide = _queue_of_token_owner()
        report = found_or_404(queries.report_in_scope(report_id, scope))
        closed = services.resolve_report(
            current_user,
            report,
            data["outcome"],
            data["reason"],
            data["ban_days"],
            site_wide=site_wide,
        )
        return {"report": queries.report_row(report_id, scope), "closed": closed}
