"""The form that deletes an account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # 3.3; stubs: 3.2
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from webapp.auth.passwords import PASSWORD_MAX

KEEP_CONTENT = "keep"
DELETE_CONTENT = "delete"
CHOOSE = _l("Choose what happens to your posts and comments.")


class DeleteAccountForm(FlaskForm):
    """The password (and a two-factor code when the account has one), and what becomes of
    the posts and comments. Neither choice is made for the person: both are lasting, so
    they pick one themselves."""

    content = RadioField(
        _l("Your posts and comments"),
        choices=[
            SelectChoice(DELETE_CONTENT, _l("Delete my posts and comments")),
            SelectChoice(KEEP_CONTENT, _l("Keep my posts and comments, shown as by [deleted]")),
        ],
        # One clear message for a missing or unknown choice (not WTForms' own as well).
        validate_choice=False,
        validators=[InputRequired(CHOOSE), AnyOf((DELETE_CONTENT, KEEP_CONTENT), CHOOSE)],
    )
    password = PasswordField(
        _l("Your password"),
        validators=[
            DataRequired(_l("Enter your password.")),
            Length(max=PASSWORD_MAX, message=_l("That password is too long.")),
        ],
    )

    # Shown (and required by the service) when the account has two-factor sign-in.
    code = StringField(
        _l("Two-factor code"),
        description=_l("The 6-digit code from your app, or one of your recovery codes."),
        validators=[Optional(), Length(max=40, message=_l("That code is too long."))],
    )

    @property
    def keep_content(self) -> bool:
        return self.content.data == KEEP_CONTENT
