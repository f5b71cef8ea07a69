"""Admin: the dashboard: the site's figures at a glance, the latest moderation, and
its health."""

from __future__ import annotations

from flask import render_template

from webapp.admin import charts, stats
from webapp.admin.blueprint import bp
from webapp.admin.log_queries import LogFilters, log_page

LATEST_ACTIONS = 10


@bp.route("/")
def dashboard():
    """Totals, new people/posts/comments per day for 30 days, latest actions, health."""
    return render_template(
        "admin/dashboard.html",
        totals=stats.site_totals(),
        charts=charts.dashboard_charts(stats.new_per_day()),
        latest=log_page(LogFilters(), None, LATEST_ACTIONS).items,
        health=stats.site_health(),
        admin_section="admin.dashboard",
    )
