"""Admin: removed content (being built)."""

from __future__ import annotations

from flask import render_template_string

from webapp.admin.blueprint import bp


@bp.route("/content")
def content():
    """Removed content."""
    return render_template_string(
        '{% extends "admin/_layout.html" %}{% block admin_content %}<h1>Removed content</h1>{% endblock %}',
        admin_section="admin.content",
    )
