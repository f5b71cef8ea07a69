"""Community moderators' pages: the report queues (every community a person moderates,
or one), resolving a report in one step, and a community's removed content."""

from __future__ import annotations

from flask import g, url_for
from flask_login import current_user

from webapp.moderation import bans_views  # noqa: F401
from webapp.moderation.blueprint import bp
from webapp.reports.content_views import CONTENT_KEYS, render_content, restore_in_place
from webapp.reports.queries import QueueScope
from webapp.reports.queue_views import QUEUE_KEYS, render_queue, resolve_in_place
from webapp.urls import carries_query

RESOLVE_ENDPOINT = "mod.resolve_report"


@bp.route("/mod/reports")
@carries_query(*QUEUE_KEYS)
def reports():
    """The reports of every community the person moderates (site admins: every one)."""
    return render_queue(
        "mod/reports.html",
        QueueScope(moderator=current_user),
        site_wide=False,
        resolve_endpoint=RESOLVE_ENDPOINT,
        community=None,
    )


@bp.route("/c/<name>/mod/reports")
@carries_query(*QUEUE_KEYS)
def community_reports(name: str):
    """The reports of one community (its moderators and site admins)."""
    return render_queue(
        "mod/reports.html",
        QueueScope(community_id=g.community.id),
        site_wide=False,
        resolve_endpoint=RESOLVE_ENDPOINT,
        community=g.community,
    )


@bp.route("/mod/reports/<id:report_id>/resolve", methods=["POST"])
def resolve_report(report_id: int):
    """Remove, dismiss or ban from the community, closing every open report of the item."""
    return resolve_in_place(
        report_id,
        QueueScope(moderator=current_user),
        site_wide=False,
        resolve_endpoint=RESOLVE_ENDPOINT,
        queue_url=url_for("mod.reports"),
    )


@bp.route("/c/<name>/mod/content")
@carries_query(*CONTENT_KEYS)
def community_content(name: str):
    """The community's removed or reported posts and comments, with restore."""
    return render_content("reports/mod_content.html", "mod.restore_content", community=g.community)


@bp.route("/c/<name>/mod/content/<any(post,comment):kind>/<id:item_id>/restore", methods=["POST"])
def restore_content(name: str, kind: str, item_id: int):
    """Bring back a removed post or comment of this community."""
    page = url_for("mod.community_content", name=name, kind=kind)
    return restore_in_place(kind, item_id, page, g.community.id)


__all__ = ["bp"]
