"""Admin: the site-wide moderation log, filterable by who acted, what they did and in
which community."""

from __future__ import annotations

from flask import current_app, request

from webapp.admin.blueprint import bp
from webapp.admin.log_queries import LogFilters, action_choices, log_page
from webapp.htmx import render_page_or_partial
from webapp.urls import carries_query

PAGE_SIZE_SETTING = "ADMIN_LOG_PAGE_SIZE"
DEFAULT_PAGE_SIZE = 50


@bp.route("/log")
@carries_query("actor", "action", "community")
def log():
    """Every admin and moderator action, newest first; htmx swaps only the results."""
    filters = LogFilters.from_args(request.args)
    page_size = current_app.config.get(PAGE_SIZE_SETTING, DEFAULT_PAGE_SIZE)
    page = log_page(filters, request.args.get("cursor"), page_size)
    return render_page_or_partial(
        "admin/log.html",
        "admin/_log_results.html",
        page=page,
        filters=filters,
        actions=action_choices(),
        admin_section="admin.log",
    )
