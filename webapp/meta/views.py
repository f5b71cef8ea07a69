"""Health check and language switch."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import text
from wtforms import HiddenField, SelectField

from webapp.extensions import cache, db
from webapp.i18n import COOKIE_MAX_AGE, LANGUAGE_COOKIE, language_choices, normalize_locale
from webapp.meta import services
from webapp.urls import back_url

bp = Blueprint("meta", __name__)


class LanguageForm(FlaskForm):
    """The footer's language menu."""

    language = SelectField(validate_choice=False)
    next = HiddenField()


@bp.route("/healthz")
def healthz():
    """Answer 200 when the database and cache respond, 503 otherwise."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # the point of a health check is to report, not to raise
        db.session.rollback()
        checks["database"] = "unavailable"
    try:
        cache.set("healthz", "ok", timeout=10)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "unavailable"
    except Exception:
        checks["cache"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "degraded", checks=checks), 200 if healthy else 503


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language (a cookie for guests, the account for members)."""
    form = LanguageForm()
    form.language.choices = language_choices()
    if not form.validate_on_submit():
        abort(400)
    locale = normalize_locale(form.language.data)
    if locale is None:
        abort(400)
    response = redirect(back_url(url_for("feeds.home")))
    response.set_cookie(
        LANGUAGE_COOKIE,
        locale,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    if current_user.is_authenticated:
        services.save_locale(current_user, locale)
    return response
