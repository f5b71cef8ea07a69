"""Community moderators' pages (being built)."""

from flask import render_template_string

from webapp.moderation.blueprint import bp


@bp.route("/mod/reports")
def reports():
    """The open reports of every community the person moderates."""
    return render_template_string(
        '{% extends "base.html" %}{% block content %}<h1>Reports</h1>{% endblock %}'
    )


__all__ = ["bp"]
