"""Two-factor sign-in: the code step after the password, and its settings page.

After the password, an account with two-factor sign-in is not signed in yet:
`finish_sign_in` (webapp/auth/views.py) keeps who is waiting in the Flask session (for
ten minutes here) and sends them to the code step. A browser may be remembered for 30
days by a signed cookie, which goes stale when the secret or the password changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import segno
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from markupsafe import Markup, escape

from webapp.auth import totp, two_factor
from webapp.auth.two_factor_forms import (
    ConfirmTwoFactorForm,
    RecoveryCodesForm,
    StartTwoFactorForm,
    TurnOffTwoFactorForm,
    TwoFactorStepForm,
)
from webapp.auth.views import (
    TWO_FACTOR_DEVICE_COOKIE,
    TWO_FACTOR_PENDING_KEY,
    bp,
    complete_sign_in,
)
from webapp.extensions import db, limiter
from webapp.models import User
from webapp.site_settings import current_settings
from webapp.urls import safe_next_url
from webapp.web import errors_show_in, render_form, signed_in

PENDING_KEY = TWO_FACTOR_PENDING_KEY
PENDING_FOR = timedelta(minutes=10)
NEW_CODES_KEY = "two_factor_new_codes"
DEVICE_COOKIE = TWO_FACTOR_DEVICE_COOKIE


def _failed(response) -> bool:
    return response.status_code == 422


def _account_key() -> str:
    """Wrong codes (and passwords on the settings page) count against the account being
    signed in to, whatever address they come from."""
    if current_user.is_authenticated:
        return f"two-factor:{current_user.id}"
    pending = session.get(PENDING_KEY)
    user_id = pending.get("user") if isinstance(pending, dict) else None
    if isinstance(user_id, int):
        return f"two-factor:{user_id}"
    return f"two-factor-address:{get_remote_address()}"


wrong_codes = limiter.shared_limit(
    lambda: current_app.config["TWO_FACTOR_RATE_LIMIT"],
    scope="two-factor",
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
)


# -- Remembered devices ----------------------------------------------------------------


def _remember_device(response, user: User) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        two_factor.device_token(user),
        max_age=int(two_factor.DEVICE_FOR.total_seconds()),
        path="/",
        secure=bool(current_app.config.get("REMEMBER_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )


# -- The sign-in step ------------------------------------------------------------------


@dataclass(frozen=True)
class PendingSignIn:
    """A sign-in whose password was right and that waits for its code."""

    user: User
    remember: bool
    next_url: str | None


def _pending_sign_in() -> tuple[PendingSignIn | None, bool]:
    """The sign-in waiting for its code, and whether one was there but is stale (too
    old, or the account changed since: a new password, 2FA turned off, a ban)."""
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None, False
    started = data.get("at")
    user_id = data.get("user")
    if not isinstance(started, int) or not isinstance(user_id, int):
        return None, True
    if not 0 <= two_factor.now_seconds() - started < PENDING_FOR.total_seconds():
        return None, True
    user = db.session.get(User, user_id)
    if user is None or user.is_banned or not user.has_two_factor:
        return None, True
    if data.get("state") != two_factor.device_state(user):
        return None, True
    next_url = safe_next_url(data.get("next") or None)
    return PendingSignIn(user, bool(data.get("remember")), next_url), False


@bp.route("/auth/two-factor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@wrong_codes
def two_factor_step():
    """Sign-in, second step: the code from the authenticator app or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("feeds.home"))
    pending, stale = _pending_sign_in()
    if pending is None:
        session.pop(PENDING_KEY, None)
        if stale:
            flash(_("Signing in took too long. Sign in again."), "info")
        return redirect(url_for("auth.login"), 303)
    form = TwoFactorStepForm()
    # The field takes either kind of code; a phone shows digits unless a recovery code
    # (letters too) was asked for.
    recovery = request.args.get("recovery") == "1"
    if not recovery:
        form.code.render_kw = {"inputmode": "numeric"}

    def page():
        return render_form("auth/two_factor_step.html", form, recovery=recovery)

    if form.validate_on_submit():
        errors_show_in(form, page)
        two_factor.check_second_factor(pending.user, form.code.data or "", "code")
        response = complete_sign_in(pending.user, pending.remember, pending.next_url)
        if form.remember_device.data:
            _remember_device(response, pending.user)
        return response
    return page()


# -- Settings --------------------------------------------------------------------------


def qr_code_svg(uri: str, label: str) -> Markup:
    """The QR code of `uri` as inline SVG: presentation attributes only (no style), so
    the page's Content-Security-Policy allows it; a screen reader hears `label`."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=label, svgclass="two-factor__qr", lineclass=None
    )
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def _settings_page(
    start_form=None, confirm_form=None, codes_form=None, off_form=None, new_codes=None
):
    user = current_user
    forms = {
        "start_form": start_form or StartTwoFactorForm(formdata=None),
        "confirm_form": confirm_form or ConfirmTwoFactorForm(formdata=None),
        "codes_form": codes_form or RecoveryCodesForm(formdata=None, prefix="codes"),
        "off_form": off_form or TurnOffTwoFactorForm(formdata=None, prefix="off"),
    }
    status = 422 if any(form.errors for form in forms.values()) else 200
    context: dict = {**forms, "new_codes": new_codes, "state": "off"}
    if user.has_two_factor:
        context.update(state="on", codes_left=two_factor.recovery_codes_left(user))
    elif two_factor.setup_in_progress(user):
        secret = user.totp_secret or ""
        uri = totp.provisioning_uri(secret, user.profile.username, current_settings().site_name)
        context.update(
            state="setup",
            uri=uri,
            secret_groups=totp.grouped(secret),
            qr_svg=qr_code_svg(uri, _("QR code for your authenticator app")),
        )
    return render_template("auth/two_factor_settings.html", **context), status


def _to_settings():
    return redirect(url_for("auth.two_factor_settings"), 303)


@bp.route("/settings/account/two-factor")
@signed_in()
def two_factor_settings():
    """Two-factor sign-in settings: turn it on or off, new recovery codes."""
    new_codes = session.pop(NEW_CODES_KEY, None)  # shown once, on the page after the POST
    return _settings_page(new_codes=new_codes if isinstance(new_codes, list) else None)


@bp.route("/settings/account/two-factor/start", methods=["POST"])
@wrong_codes
@signed_in(lambda: url_for("auth.two_factor_settings"))
def two_factor_start():
    """Start the setup: a new secret for the app, shown as a QR code and as text."""
    form = StartTwoFactorForm()
    if current_user.has_two_factor:
        return _to_settings()
    if form.validate_on_submit():
        errors_show_in(form, lambda: _settings_page(start_form=form))
        two_factor.start_setup(current_user, form.password.data or "")
        return _to_settings()
    return _settings_page(start_form=form)


@bp.route("/settings/account/two-factor/confirm", methods=["POST"])
@wrong_codes
@signed_in(lambda: url_for("auth.two_factor_settings"))
def two_factor_confirm():
    """Finish the setup with a first code: on, and ten recovery codes shown once."""
    form = ConfirmTwoFactorForm()
    if not two_factor.setup_in_progress(current_user):
        return _to_settings()
    if form.validate_on_submit():
        errors_show_in(form, lambda: _settings_page(confirm_form=form))
        session[NEW_CODES_KEY] = two_factor.confirm_setup(current_user, form.code.data or "")
        flash(_("Two-factor sign-in is on."), "success")
        return _to_settings()
    return _settings_page(confirm_form=form)


@bp.route("/settings/account/two-factor/cancel", methods=["POST"])
@signed_in(lambda: url_for("auth.two_factor_settings"))
def two_factor_cancel():
    """Stop a setup that was not confirmed: two-factor sign-in stays off."""
    if two_factor.setup_in_progress(current_user):
        two_factor.cancel_setup(current_user)
        flash(_("Setup cancelled. Two-factor sign-in stays off."), "info")
    return _to_settings()


@bp.route("/settings/account/two-factor/recovery-codes", methods=["POST"])
@wrong_codes
@signed_in(lambda: url_for("auth.two_factor_settings"))
def two_factor_recovery_codes():
    """Ten new recovery codes (the old ones stop working), shown once."""
    form = RecoveryCodesForm(prefix="codes")
    if not current_user.has_two_factor:
        return _to_settings()
    if form.validate_on_submit():
        errors_show_in(form, lambda: _settings_page(codes_form=form))
        session[NEW_CODES_KEY] = two_factor.renew_recovery_codes(
            current_user, form.password.data or "", form.code.data or ""
        )
        flash(_("You have new recovery codes. The old ones no longer work."), "success")
        return _to_settings()
    return _settings_page(codes_form=form)


@bp.route("/settings/account/two-factor/turn-off", methods=["POST"])
@wrong_codes
@signed_in(lambda: url_for("auth.two_factor_settings"))
def two_factor_turn_off():
    """Turn two-factor sign-in off (the password and a code)."""
    form = TurnOffTwoFactorForm(prefix="off")
    if not current_user.has_two_factor:
        return _to_settings()
    if form.validate_on_submit():
        errors_show_in(form, lambda: _settings_page(off_form=form))
        two_factor.turn_off(current_user, form.password.data or "", form.code.data or "")
        flash(_("Two-factor sign-in is off."), "info")
        response = _to_settings()
        response.delete_cookie(DEVICE_COOKIE, path="/")
        return response
    return _settings_page(off_form=form)
