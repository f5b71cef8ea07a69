"""Account pages: register, sign in, sign out, change password."""

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
from flask_login import current_user, login_user, logout_user

from webapp.auth import services
from webapp.auth.forms import ChangeEmailForm, ChangePasswordForm, LoginForm, RegistrationForm
from webapp.extensions import limiter
from webapp.urls import safe_next_url
from webapp.web import errors_show_in, render_form, signed_in

bp = Blueprint("auth", __name__)


def _login_identifier_key() -> str:
    return "login-account:" + (request.form.get("identifier") or "").strip().lower()[:254]


def _start_session(user, remember: bool) -> None:
    # A fresh session on sign-in: nothing from the anonymous session carries over.
    session.clear()
    login_user(user, remember=remember)
    services.record_login(user)


@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register():
    """Create an account and sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("feeds.home"))
    form = RegistrationForm()

    def page():
        return render_form("auth/register.html", form)

    if form.validate_on_submit():
        errors_show_in(form, page)
        user = services.register_user(
            form.email.data or "", form.username.data or "", form.password.data or ""
        )
        _start_session(user, remember=False)
        flash(
            _(
                "Welcome to %(site)s, %(name)s!",
                site=current_app.config["SITE_NAME"],
                name=user.profile.username,
            ),
            "success",
        )
        return redirect(url_for("feeds.home"))
    return page()


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=_login_identifier_key
)
def login():
    """Sign in with email or username and password."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next_url(request.args.get("next")) or ""
    if current_user.is_authenticated:
        return redirect(safe_next_url(form.next.data) or url_for("feeds.home"))

    def page():
        return render_form("auth/login.html", form)

    if form.validate_on_submit():
        errors_show_in(form, page)
        user = services.sign_in_check(form.identifier.data or "", form.password.data or "")
        _start_session(user, remember=form.remember.data)
        flash(_("Signed in. Welcome back, %(name)s!", name=user.profile.username), "success")
        return redirect(safe_next_url(form.next.data) or url_for("feeds.home"))
    return page()


@bp.route("/auth/logout", methods=["POST"])
def logout():
    """Sign out (POST only, with CSRF, so no link or image can sign someone out)."""
    # Clear first: logout_user() then marks the remember cookie for deletion, a marker
    # that clearing the session afterwards would wipe (the cookie would sign them back in).
    session.clear()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("feeds.home"))


def _account_page(form, email_form):
    status = 422 if form.errors or email_form.errors else 200
    return render_template("auth/account.html", form=form, email_form=email_form), status


@bp.route("/settings/account", methods=["GET", "POST"])
@signed_in()
def account():
    """Change the password."""
    form = ChangePasswordForm()
    email_form = ChangeEmailForm(formdata=None)
    if form.validate_on_submit():
        errors_show_in(form, lambda: _account_page(form, email_form))
        services.change_password(
            current_user, form.current_password.data or "", form.new_password.data or ""
        )
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        # The session epoch changed: sign this device in again, other devices stay out.
        login_user(current_user._get_current_object(), remember=remembered in request.cookies)
        flash(_("Your password has been changed. Other devices have been signed out."), "success")
        return redirect(url_for("auth.account"))
    return _account_page(form, email_form)


@bp.route("/settings/account/email", methods=["POST"])
@signed_in()
def change_email():
    """Change the sign-in email address."""
    form = ChangePasswordForm(formdata=None)
    email_form = ChangeEmailForm()
    if email_form.validate_on_submit():
        errors_show_in(email_form, lambda: _account_page(form, email_form))
        services.change_email(
            current_user, email_form.email_password.data or "", email_form.new_email.data or ""
        )
        flash(_("Your email address has been changed."), "success")
        return redirect(url_for("auth.account"), 303)
    return _account_page(form, email_form)
