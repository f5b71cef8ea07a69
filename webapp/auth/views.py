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
from flask_login import current_user, login_required, login_user, logout_user

from webapp.auth import services
from webapp.auth.forms import ChangeEmailForm, ChangePasswordForm, LoginForm, RegistrationForm
from webapp.extensions import limiter
from webapp.urls import safe_next_url

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
    if form.validate_on_submit():
        try:
            user = services.register_user(form.email.data, form.username.data, form.password.data)
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(error.message)
        else:
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
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


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
    if form.validate_on_submit():
        user = services.authenticate(form.identifier.data, form.password.data)
        if user is None:
            form.password.errors.append(_("That email/username and password do not match."))
        elif not user.is_active:
            form.identifier.errors.append(_("This account has been suspended."))
        else:
            _start_session(user, remember=form.remember.data)
            flash(_("Signed in. Welcome back, %(name)s!", name=user.profile.username), "success")
            return redirect(safe_next_url(form.next.data) or url_for("feeds.home"))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/auth/logout", methods=["POST"])
def logout():
    """Sign out (POST only, with CSRF, so no link or image can sign someone out)."""
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("feeds.home"))


@bp.route("/settings/account", methods=["GET", "POST"])
@login_required
def account():
    """Change the password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except services.AccountError as error:
            getattr(form, error.field or "new_password").errors.append(error.message)
        else:
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            # The session epoch changed: sign this device in again, other devices stay out.
            login_user(current_user._get_current_object(), remember=remembered in request.cookies)
            flash(
                _("Your password has been changed. Other devices have been signed out."), "success"
            )
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", form=form, email_form=ChangeEmailForm(formdata=None)
    ), (422 if form.errors else 200)


@bp.route("/settings/account/email", methods=["POST"])
@login_required
def change_email():
    """Change the sign-in email address."""
    email_form = ChangeEmailForm()
    if email_form.validate_on_submit():
        try:
            services.change_email(
                current_user, email_form.email_password.data, email_form.new_email.data
            )
        except services.AccountError as error:
            getattr(email_form, error.field or "new_email").errors.append(error.message)
        else:
            flash(_("Your email address has been changed."), "success")
            return redirect(url_for("auth.account"), 303)
    return render_template(
        "auth/account.html", form=ChangePasswordForm(formdata=None), email_form=email_form
    ), 422
