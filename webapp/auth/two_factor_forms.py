"""Two-factor forms. The settings page shows two forms at once when two-factor sign-in
is on, so those carry a prefix ("codes-", "off-") and their fields keep distinct ids."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from webapp.auth.passwords import PASSWORD_MAX

CODE_MAX = 40  # room for a recovery code typed with spaces


def _password_field(label=None) -> PasswordField:
    return PasswordField(
        label or _l("Current password"),
        validators=[
            DataRequired(_l("Enter your current password.")),
            Length(max=PASSWORD_MAX, message=_l("That password is too long.")),
        ],
    )


def _code_field(label, description=None, render_kw=None) -> StringField:
    return StringField(
        label,
        description=description,
        render_kw=render_kw,
        validators=[
            DataRequired(_l("Enter the code.")),
            Length(max=CODE_MAX, message=_l("That is too long to be a code.")),
        ],
    )


class TwoFactorStepForm(FlaskForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = _code_field(
        _l("Code"),
        _l("The 6-digit code your authenticator app shows, or one of your recovery codes."),
    )
    remember_device = BooleanField(_l("Remember this device for 30 days"))


class StartTwoFactorForm(FlaskForm):
    """Start setting up two-factor sign-in: the password proves it is really you."""

    password = _password_field()


class ConfirmTwoFactorForm(FlaskForm):
    """Finish the setup with the first code the app shows."""

    code = _code_field(
        _l("Enter the 6-digit code from your app"), render_kw={"inputmode": "numeric"}
    )


class RecoveryCodesForm(FlaskForm):
    """New recovery codes: the password and a code."""

    password = _password_field()
    code = _code_field(_l("Code from your app or a recovery code"))


class TurnOffTwoFactorForm(FlaskForm):
    """Turn two-factor sign-in off: the password and a code."""

    password = _password_field()
    code = _code_field(_l("Code from your app or a recovery code"))
