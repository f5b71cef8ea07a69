"""Admin: removed and reported posts and comments, with restore."""

from __future__ import annotations

from flask import url_for

from webapp.admin.blueprint import bp
from webapp.reports.content_views import CONTENT_KEYS, render_content, restore_in_place
from webapp.urls import carries_query


@bp.route("/content")
@carries_query(*CONTENT_KEYS)
def content():
    """Removed or reported posts or comments of every community, newest first."""
    return render_content(
        "admin/content.html", "admin.restore_content", admin_section="admin.content"
    )


@bp.route("/content/<any(post,comment):kind>/<id:item_id>/restore", methods=["POST"])
def restore_content(kind: str, item_id: int):
    """Bring back a removed post or comment."""
    return restore_in_place(kind, item_id, url_for("admin.content", kind=kind))
