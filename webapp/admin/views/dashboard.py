"""Admin: dashboard (being built)."""

from __future__ import annotations

from flask import render_template_string

from webapp.admin.blueprint import bp


@bp.route("/")
def dashboard():
    """Dashboard."""
    return render_template_string(
        '{% extends "admin/_layout.html" %}{% block admin_content %}<h1>Dashboard</h1>{% endblock %}',
        admin_section="admin.dashboard",
    )
