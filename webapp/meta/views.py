"""Health check, language and theme switches, and preferences."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text
from werkzeug.wrappers import Response

from webapp import faults
from webapp.extensions import db
from webapp.htmx import is_htmx
from webapp.i18n import (
    COOKIE_MAX_AGE,
    LANGUAGE_COOKIE,
    known_timezones,
    language_choices,
    normalize_locale,
    normalize_timezone,
)
from webapp.meta import services
from webapp.meta.forms import LanguageForm, PreferencesForm, ThemeForm
from webapp.meta.theme import AUTO, THEME_COOKIE, normalize_theme
from webapp.site_settings import ANNOUNCEMENT_COOKIE, ANNOUNCEMENT_VERSION_LENGTH
from webapp.urls import back_url
from webapp.web import render_form, signed_in

bp = Blueprint("meta", __name__)


# What an operator reads in /healthz when a store that the site can do without is down.
STORE_WARNINGS = {
    "cache": "cache store unreachable: pages are built without the cache",
    "rate_limits": (
        "rate-limit storage unreachable: limits are counted in each worker's memory "
        "until it answers again"
    ),
}


@bp.route("/healthz")
def healthz():
    """200 while the database answers: "ok", or "degraded" with warnings when Redis
    (cache, rate limits) does not, since the site works without it; 503 "unavailable"
    when the database does not answer."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # the point of a health check is to report, not to raise
        db.session.rollback()
        checks["database"] = "unavailable"
    checks["cache"] = "ok" if faults.cache_reachable() else "unavailable"
    checks["rate_limits"] = "ok" if faults.rate_limit_store_reachable() else "unavailable"
    warnings = [STORE_WARNINGS[name] for name in STORE_WARNINGS if checks[name] != "ok"]
    if checks["database"] != "ok":
        return jsonify(status="unavailable", checks=checks, warnings=warnings), 503
    return jsonify(status="degraded" if warnings else "ok", checks=checks, warnings=warnings)


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language (a cookie for guests, the account for members)."""
    # The site-wide CSRF check has passed (CSRFProtect): for a guest the page's shared
    # guest token (webapp.http_caching), which needs no session, so the form does not
    # check a session-bound token again. A GET that set the cookie would be cached and
    # prefetched, and could be triggered by any other site's <img>.
    form = LanguageForm(meta={"csrf": False})
    form.language.choices = language_choices()
    if not form.validate_on_submit():
        abort(400)
    locale = normalize_locale(form.language.data)
    if locale is None:
        abort(400)
    response = redirect(back_url(url_for("feeds.home")))
    _remember_in_browser(response, LANGUAGE_COOKIE, locale)
    if current_user.is_authenticated:
        services.save_locale(current_user, locale)
    return response


def _remember_in_browser(response: Response, name: str, value: str | None) -> None:
    """Keep a guest's choice in a cookie for a year (None: forget it)."""
    if value is None:
        response.delete_cookie(name, samesite="Lax", httponly=True)
        return
    response.set_cookie(
        name,
        value,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


@bp.route("/theme", methods=["POST"])
def set_theme():
    """Light, dark or automatic (a cookie for guests, the account for members)."""
    # As for the language: the site-wide CSRF check has passed already.
    form = ThemeForm(meta={"csrf": False})
    if not form.validate_on_submit():
        abort(400)
    theme = normalize_theme(form.theme.data)
    response = redirect(back_url(url_for("feeds.home")))
    _remember_in_browser(response, THEME_COOKIE, None if theme == AUTO else theme)
    if current_user.is_authenticated:
        services.save_theme(current_user, theme)
    return response


@bp.route("/settings/preferences", methods=["GET", "POST"])
@signed_in()
def preferences():
    """Language and time zone for a signed-in person."""
    form = PreferencesForm()
    form.language.choices = [("", _("Automatic")), *language_choices()]
    if request.method == "GET":
        form.language.data = current_user.locale or ""
        form.timezone.data = current_user.timezone or ""
        form.theme.data = normalize_theme(current_user.theme)
    if form.validate_on_submit():
        services.save_preferences(
            current_user,
            normalize_locale(form.language.data),
            normalize_timezone((form.timezone.data or "").strip()),
        )
        services.save_theme(current_user, normalize_theme(form.theme.data))
        flash(_("Your preferences have been saved."), "success")
        return redirect(url_for("meta.preferences"), 303)
    return render_form("meta/preferences.html", form, zones=sorted(known_timezones()))


@bp.route("/announcement/dismiss", methods=["POST"])
def dismiss_announcement():
    """Hide the site announcement in this browser (guests too: a cookie holding the
    announcement's version, so a new announcement shows again)."""
    version = request.form.get("version") or ""
    if len(version) != ANNOUNCEMENT_VERSION_LENGTH or not all(
        char in "0123456789abcdef" for char in version
    ):
        abort(400)
    response: Response  # Flask's make_response or redirect: both are Werkzeug responses
    if is_htmx():  # the banner is swapped for this empty answer: it is gone in place
        response = make_response("", 200)
    else:
        response = redirect(back_url(url_for("feeds.home")), 303)
    response.set_cookie(
        ANNOUNCEMENT_COOKIE,
        version,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
