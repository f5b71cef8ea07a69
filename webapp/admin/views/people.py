"""Admin: people (being built)."""

from __future__ import annotations

from flask import render_template_string

from webapp.admin.blueprint import bp


@bp.route("/people")
def people():
    """People."""
    return render_template_string(
        '{% extends "admin/_layout.html" %}{% block admin_content %}<h1>People</h1>{% endblock %}',
        admin_section="admin.people",
    )
