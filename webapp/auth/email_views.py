"""Views about a person's email address: signing up with one, changing it, confirming
it, undoing a change, and the password reset that a mail makes possible."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm

from webapp.auth import queries, recovery, services, verification
from webapp.auth.email_forms import ForgotPasswordForm, ResetPasswordForm
from webapp.auth.forms import ChangeEmailForm, ChangePasswordForm, RegistrationForm
from webapp.auth.verification import OpenedLink
from webapp.auth.views import account_page, bp, finish_sign_in
from webapp.bidi import isolate
from webapp.extensions import limiter
from webapp.ratelimits import user_or_address
from webapp.site_settings import current_settings
from webapp.urls import back_url
from webapp.web import errors_show_in, render_form, signed_in


@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register():
    """Create an account and sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("feeds.home"))
    form = RegistrationForm()
    settings = current_settings()
    if not settings.registration_open:
        # Closed by an admin: the page says so, and a form sent anyway creates nobody.
        closed = render_template("auth/register.html", form=form, registration_closed=True)
        return closed, 403 if request.method == "POST" else 200

    def page():
        return render_form("auth/register.html", form)

    if form.validate_on_submit():
        errors_show_in(form, page)
        username = (form.username.data or "").strip()
        # The same answer whether or not the address already has an account (nothing is
        # created then): the sign-up form does not tell strangers who is registered.
        services.sign_up(form.email.data or "", username, form.password.data or "")
        flash(
            _(
                "Welcome to %(site)s! Sign in with your username and password to start. "
                "We have sent you a link to confirm your email address.",
                site=settings.site_name,
            ),
            "success",
        )
        return redirect(url_for("auth.login", identifier=username), 303)
    return page()


@bp.route("/settings/account/email", methods=["POST"])
@signed_in()
# Trying addresses here would tell whether they have accounts: a few tries an hour.
@limiter.limit(
    lambda: current_app.config["CHANGE_EMAIL_RATE_LIMIT"],
    key_func=user_or_address,
)
def change_email():
    """Change the sign-in email address; the new one waits for confirmation."""
    form = ChangePasswordForm(formdata=None)
    email_form = ChangeEmailForm()
    if email_form.validate_on_submit():
        errors_show_in(email_form, lambda: account_page(form, email_form))
        services.change_email(
            current_user, email_form.email_password.data or "", email_form.new_email.data or ""
        )
        flash(
            _(
                "Your email address is now %(email)s. We have sent a link to confirm it.",
                email=isolate(current_user.email),
            ),
            "success",
        )
        return redirect(url_for("auth.account"), 303)
    return account_page(form, email_form)


# -- Links that do not work -------------------------------------------------------------------


def link_problem_page(link: OpenedLink, ask_again: str):
    """The answer to a link that does not work: why, and `ask_again` (which way forward:
    "reset", "confirm" or "undo")."""
    response = render_template("auth/link_problem.html", problem=link.problem, ask_again=ask_again)
    return response, 400, {"Cache-Control": "no-store"}


# -- Password reset -------------------------------------------------------------------------


def _address_asked_for() -> str:
    """Reset links are counted per address asked for too, so that nobody can fill a
    person's inbox from many places."""
    email = queries.normalize_email(request.form.get("email") or "")[:254]
    return f"password-reset:{email}"


@bp.route("/auth/forgot", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"],
    methods=["POST"],
    key_func=get_remote_address,
)
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"],
    methods=["POST"],
    key_func=_address_asked_for,
)
def forgot_password():
    """Ask for a link to choose a new password."""
    form = ForgotPasswordForm()
    if request.method == "GET":
        form.email.data = (request.args.get("email") or "")[:254]
    if form.validate_on_submit():
        # The same answer and the same work whether or not the address has an account.
        recovery.request_password_reset(form.email.data or "")
        flash(
            _(
                "If an account uses this address, we have sent it a link to choose a new "
                "password. The link works for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"), 303)
    return render_form("auth/forgot.html", form)


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def reset_password(token: str):
    """Choose a new password with the link from the mail, then be signed in."""
    link = recovery.open_reset_link(token)
    if link.problem:
        return link_problem_page(link, "reset")
    form = ResetPasswordForm()

    def page():
        response = render_form("auth/reset.html", form, user=link.user)
        return (*response, {"Cache-Control": "no-store"})

    if form.validate_on_submit():
        errors_show_in(form, page)
        user = recovery.reset_password(token, form.new_password.data or "")
        changed = _("Your password has been changed. Every other device has been signed out.")
        if user.is_banned:
            _forget_this_browser()
            flash(changed, "success")
            flash(str(services.ban_message(user)), "error")
            return redirect(url_for("auth.login"), 303)
        response = finish_sign_in(user, False, None)
        flash(changed, "success")  # after: signing in starts a new session
        return response
    return page()


def _forget_this_browser() -> None:
    # Clear first: logout_user() then marks the remember cookie for deletion.
    session.clear()
    logout_user()


# -- Confirming the address -----------------------------------------------------------------


@bp.route("/auth/confirm/<token>")
def confirm_email(token: str):
    """Confirm the address the link was sent to."""
    link = verification.open_confirmation(token)
    if link.problem:
        return link_problem_page(link, "confirm")
    verification.confirm_email(token)
    flash(_("Your email address is confirmed."), "success")
    return redirect(url_for("feeds.home"), 303)


def _account_key() -> str:
    return f"confirm-email:{user_or_address()}"


@bp.route("/settings/account/email/confirm", methods=["POST"])
@signed_in(lambda: url_for("auth.account"))
@limiter.limit(lambda: current_app.config["VERIFY_EMAIL_RATE_LIMIT"], key_func=_account_key)
def resend_confirmation():
    """Send a new link to confirm the account's address."""
    verification.resend_confirmation(current_user)
    flash(
        _(
            "We have sent a new link to %(email)s. It works for one week.",
            email=isolate(current_user.email),
        ),
        "success",
    )
    return redirect(back_url(url_for("auth.account")), 303)


# -- Undoing a change of address ------------------------------------------------------------


@bp.route("/auth/email/undo/<token>", methods=["GET", "POST"])
def undo_email_change(token: str):
    """Give the account its old address back (GET asks: mail scanners follow links)."""
    link = verification.open_undo_link(token)
    if link.problem:
        return link_problem_page(link, "undo")
    form = FlaskForm()

    def page():
        context = {"old_email": link.payload["old"], "new_email": link.payload["new"]}
        response = render_form("auth/undo_email_change.html", form, **context)
        return (*response, {"Cache-Control": "no-store"})

    if form.validate_on_submit():
        errors_show_in(form, page)
        user, old_email = verification.undo_email_change(token)
        if _signed_in_to(user):
            _forget_this_browser()
        flash(
            _(
                "Your email address is %(email)s again, and every device has been signed "
                "out. If you did not change it, choose a new password now.",
                email=isolate(old_email),
            ),
            "success",
        )
        return redirect(url_for("auth.forgot_password", email=old_email), 303)
    return page()


def _signed_in_to(user) -> bool:
    """Whether this browser is signed in to `user`'s account."""
    return current_user.is_authenticated and current_user.id == user.id
