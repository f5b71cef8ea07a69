"""Views about a person's email address: signing up with one, changing it."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth import services
from webapp.auth.forms import ChangeEmailForm, ChangePasswordForm, RegistrationForm
from webapp.auth.views import account_page, bp
from webapp.extensions import limiter
from webapp.ratelimits import user_or_address
from webapp.site_settings import current_settings
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
                "Welcome to %(site)s! Sign in with your username and password to start.",
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
    """Change the sign-in email address."""
    form = ChangePasswordForm(formdata=None)
    email_form = ChangeEmailForm()
    if email_form.validate_on_submit():
        errors_show_in(email_form, lambda: account_page(form, email_form))
        services.change_email(
            current_user, email_form.email_password.data or "", email_form.new_email.data or ""
        )
        flash(_("Your email address has been changed."), "success")
        return redirect(url_for("auth.account"), 303)
    return account_page(form, email_form)
