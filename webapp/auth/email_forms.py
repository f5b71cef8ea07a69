"""Forms of the mailed-link flows: asking for a password reset, choosing the new password.
Labels and messages are lazily translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField

from webapp.auth.forms import NewPasswordForm, email_validators


class ForgotPasswordForm(FlaskForm):
    """The address of the account whose password was forgotten."""

    email = EmailField(
        _l("Email address"),
        description=_l("The address you signed up with. We will send a link to it."),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=email_validators(),
    )


class ResetPasswordForm(NewPasswordForm):
    """A new password, typed twice (the link proved who this is)."""
