"""Account forms. Labels and messages are lazily translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

from webapp.auth import queries
from webapp.auth.passwords import PASSWORD_MAX, password_problem
from webapp.models.profile import USERNAME_MAX, USERNAME_MIN

USERNAME_PATTERN = r"^[A-Za-z0-9_]+$"


def email_validators() -> list:
    """What every email field checks (the address is not looked up on the network)."""
    return [
        DataRequired(_l("Enter your email address.")),
        Length(max=254, message=_l("An email address has at most 254 characters.")),
        Email(
            _l("Enter a valid email address, like name@example.com."), check_deliverability=False
        ),
    ]


class RegistrationForm(FlaskForm):
    """Sign up: email, username and a password typed twice."""

    email = EmailField(_l("Email address"), validators=email_validators())
    username = StringField(
        _l("Username"),
        description=_l("3–30 letters, digits or underscores. This is your public name."),
        validators=[
            DataRequired(_l("Choose a username.")),
            Length(
                USERNAME_MIN,
                USERNAME_MAX,
                message=_l("A username has 3 to 30 characters."),
            ),
            Regexp(USERNAME_PATTERN, message=_l("Use only letters, digits and underscores.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 10 characters."),
        validators=[DataRequired(_l("Choose a password."))],
    )
    password_confirm = PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
    )

    def validate_username(self, field) -> None:
        if queries.username_taken(field.data):
            raise ValidationError(_l("This username is taken. Try another."))

    def validate_password(self, field) -> None:
        problem = password_problem(
            field.data or "", username=self.username.data or "", email=self.email.data or ""
        )
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    """Sign in with an email address or a username."""

    identifier = StringField(
        _l("Email or username"),
        validators=[
            DataRequired(_l("Enter your email address or username.")),
            Length(max=254, message=_l("That is too long to be an email or username.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter your password.")),
            Length(max=PASSWORD_MAX, message=_l("That password is too long.")),
        ],
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


# Made before NewPasswordForm's fields, so that forms list it first, as pages show it.
_CURRENT_PASSWORD = PasswordField(
    _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
)


class NewPasswordForm(FlaskForm):
    """A new password, typed twice (for a password reset; ChangePasswordForm adds the
    current one)."""

    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters."),
        validators=[DataRequired(_l("Choose a new password."))],
    )
    new_password_confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Type the new password again.")),
            EqualTo("new_password", message=_l("The two passwords do not match.")),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    """Change the password; the current one proves it is really you."""

    current_password = _CURRENT_PASSWORD


class ChangeEmailForm(FlaskForm):
    """Change the sign-in email; the current password proves it is really you."""

    new_email = EmailField(_l("New email address"), validators=email_validators())
    email_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )

    def validate_new_email(self, field) -> None:
        if queries.email_taken(field.data):
            raise ValidationError(_l("An account with this email address already exists."))
