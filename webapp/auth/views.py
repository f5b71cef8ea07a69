"""Account pages: register, sign in, sign out (here, one device or everywhere), change
password and email."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from webapp.auth import services, sessions, two_factor
from webapp.auth.forms import ChangeEmailForm, ChangePasswordForm, LoginForm
from webapp.bidi import isolate
from webapp.extensions import limiter
from webapp.urls import safe_next_url
from webapp.web import errors_show_in, render_form, signed_in

bp = Blueprint("auth", __name__)


# Two-factor sign-in (the step itself is in webapp/auth/two_factor_views.py): who waits
# for the code is kept in the session, and a remembered browser carries a signed cookie.
TWO_FACTOR_PENDING_KEY = "two_factor_pending"
TWO_FACTOR_DEVICE_COOKIE = "two_factor_device"


def _address_and_account_key() -> str:
    """Wrong passwords are counted per (address, account): a stranger elsewhere cannot
    lock a person out of their own account, however often they guess."""
    identifier = (request.form.get("identifier") or "").strip().lower()[:254]
    return f"login:{get_remote_address()}:{identifier}"


def _sign_in_failed(response) -> bool:
    return response.status_code == 422


def finish_sign_in(user, remember: bool, next_url: str | None):
    """The password (or a password-reset link) proved who this is: start the session on
    this device and go on to `next_url` (or home). The one way in for every sign-in: an
    account with two-factor sign-in is first asked for its code (unless this browser is
    a device it remembers)."""
    if user.has_two_factor and not device_remembered(user):
        return ask_for_code(user, remember, next_url)
    return complete_sign_in(user, remember, next_url)


def device_remembered(user) -> bool:
    """Whether this browser carries a valid "remember this device" cookie for `user`
    (webapp/auth/two_factor_views.py sets it)."""
    return two_factor.device_token_valid(user, request.cookies.get(TWO_FACTOR_DEVICE_COOKIE))


def ask_for_code(user, remember: bool, next_url: str | None):
    """The password was right but the account has two-factor sign-in: keep who is
    signing in (not signed in yet: no session starts) and ask for the code."""
    session[TWO_FACTOR_PENDING_KEY] = {
        "user": user.id,
        "remember": bool(remember),
        "next": safe_next_url(next_url) or "",
        "at": int(two_factor.now_seconds()),
        "state": two_factor.device_state(user),
    }
    return redirect(url_for("auth.two_factor_step"), 303)


def complete_sign_in(user, remember: bool, next_url: str | None):
    """Every factor is proven: start the session on this device, go on to `next_url`."""
    _start_session(user, remember=remember)
    flash(_("Signed in. Welcome back, %(name)s!", name=isolate(user.profile.username)), "success")
    return redirect(safe_next_url(next_url) or url_for("feeds.home"))


def _start_session(user, remember: bool) -> None:
    # A fresh session on sign-in: nothing from the anonymous session carries over, and
    # the device gets its own record (signing out deletes it).
    session.clear()
    sessions.open_session(user, request.user_agent.string, request.remote_addr or "")
    login_user(user, remember=remember)
    sessions.mark_password_typed()
    services.record_login(user)


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT"],
    methods=["POST"],
    key_func=_address_and_account_key,
    deduct_when=_sign_in_failed,
)
def login():
    """Sign in with email or username and password."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next_url(request.args.get("next")) or ""
        form.identifier.data = (request.args.get("identifier") or "")[:254]
    if current_user.is_authenticated:
        return redirect(safe_next_url(form.next.data) or url_for("feeds.home"))

    def page():
        return render_form("auth/login.html", form)

    if form.validate_on_submit():
        errors_show_in(form, page)
        user = services.sign_in_check(form.identifier.data or "", form.password.data or "")
        return finish_sign_in(user, bool(form.remember.data), form.next.data)
    return page()


@bp.route("/auth/logout", methods=["POST"])
def logout():
    """Sign out (POST only, with CSRF, so no link or image can sign someone out)."""
    if current_user.is_authenticated:
        sessions.close_session(current_user)  # a copied cookie of this device dies too
    _forget_this_browser()
    flash(_("You are signed out."), "info")
    return redirect(url_for("feeds.home"))


@bp.route("/auth/logout-everywhere", methods=["POST"])
@signed_in(lambda: url_for("auth.account"))
def logout_everywhere():
    """Sign out on every device, this one included."""
    sessions.close_all_sessions(current_user)
    _forget_this_browser()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/settings/account/devices/<id:device_id>/sign-out", methods=["POST"])
@signed_in(lambda device_id: url_for("auth.account"))
def sign_out_device(device_id: int):
    """Sign out one of your other devices."""
    if sessions.close_device(current_user, device_id):
        flash(_("That device is signed out."), "success")
    return redirect(url_for("auth.account"), 303)


def _forget_this_browser() -> None:
    # Clear first: logout_user() then marks the remember cookie for deletion, a marker
    # that clearing the session afterwards would wipe (the cookie would sign them back in).
    session.clear()
    logout_user()


def account_page(form, email_form):
    """The account settings page with both forms (one of them may carry errors)."""
    status = 422 if form.errors or email_form.errors else 200
    devices = [
        (
            device,
            sessions.describe_device(device.user_agent),
            sessions.is_this_device(current_user, device),
        )
        for device in sessions.devices_of(current_user)
    ]
    context = {"form": form, "email_form": email_form, "devices": devices}
    return render_template("auth/account.html", **context), status


@bp.route("/settings/account", methods=["GET", "POST"])
@signed_in()
def account():
    """Account settings; changes the password."""
    form = ChangePasswordForm()
    email_form = ChangeEmailForm(formdata=None)
    if form.validate_on_submit():
        errors_show_in(form, lambda: account_page(form, email_form))
        services.change_password(
            current_user, form.current_password.data or "", form.new_password.data or ""
        )
        flash(_("Your password has been changed. Other devices have been signed out."), "success")
        return redirect(url_for("auth.account"))
    return account_page(form, email_form)
