"""Forms of the admin area shared by its pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField
from wtforms.validators import DataRequired


class ConfirmPasswordForm(FlaskForm):
    """Type the password again before admin work (see webapp.admin.guard)."""

    password = PasswordField(_l("Your password"), [DataRequired(_l("Enter your password."))])
    next = HiddenField()
