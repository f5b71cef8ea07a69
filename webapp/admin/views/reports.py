"""Admin: every report, open or resolved, each resolved in one step with a reason."""

from __future__ import annotations

from flask import url_for

from webapp.admin.blueprint import bp
from webapp.reports.queries import QueueScope
from webapp.reports.queue_views import QUEUE_KEYS, render_queue, resolve_in_place
from webapp.urls import carries_query

EVERYTHING = QueueScope(everything=True)


@bp.route("/reports")
@carries_query(*QUEUE_KEYS)
def reports():
    """All reports, newest first, filtered by status and kind of item."""
    return render_queue(
        "admin/reports.html",
        EVERYTHING,
        site_wide=True,
        resolve_endpoint="admin.resolve_report",
        admin_section="admin.reports",
    )


@bp.route("/reports/<id:report_id>/resolve", methods=["POST"])
def resolve_report(report_id: int):
    """Remove, dismiss or ban (from the whole site), closing every open report of the item."""
    return resolve_in_place(
        report_id,
        EVERYTHING,
        site_wide=True,
        resolve_endpoint="admin.resolve_report",
        queue_url=url_for("admin.reports"),
    )
