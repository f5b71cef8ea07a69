"""Admin: site settings (being built)."""

from __future__ import annotations

from flask import render_template_string

from webapp.admin.blueprint import bp


@bp.route("/settings")
def settings():
    """Site settings."""
    return render_template_string(
        '{% extends "admin/_layout.html" %}{% block admin_content %}<h1>Site settings</h1>{% endblock %}',
        admin_section="admin.settings",
    )
