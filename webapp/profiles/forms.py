"""Profile settings form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from webapp.i18n import number
from webapp.sanitize import html_to_text, submitted_html
from webapp.urls import is_web_address

BIO_TEXT_MAX = 2000


class ProfileForm(FlaskForm):
    """What a person shows on their public page."""

    display_name = StringField(
        _l("Display name"),
        description=_l("Shown instead of your username. Optional."),
        validators=[Optional(), Length(max=50, message=_l("At most 50 characters."))],
    )
    first_name = StringField(
        _l("First name"),
        validators=[Optional(), Length(max=50, message=_l("At most 50 characters."))],
    )
    last_name = StringField(
        _l("Last name"),
        validators=[Optional(), Length(max=50, message=_l("At most 50 characters."))],
    )
    bio = TextAreaField(
        _l("About you"),
        validators=[Optional(), Length(max=50_000, message=_l("That is too long."))],
    )
    body_format = HiddenField(default="text")
    website = StringField(
        _l("Website"),
        description=_l("A web address starting with http:// or https://."),
        validators=[Optional(), Length(max=300, message=_l("At most 300 characters."))],
    )
    avatar = FileField(
        _l("New picture"), description=_l("JPEG, PNG, GIF or WebP, at most 5 MB; cropped square.")
    )
    remove_avatar = BooleanField(_l("Use the generated picture instead"))

    def validate_website(self, field) -> None:
        if not is_web_address(field.data):
            raise ValidationError(_l("Enter a web address starting with http:// or https://."))

    def validate_bio(self, field) -> None:
        if len(html_to_text(self.cleaned_bio())) > BIO_TEXT_MAX:
            raise ValidationError(
                _l("Keep it under %(count)s characters.", count=number(BIO_TEXT_MAX))
            )

    def cleaned_bio(self, previous_html: str = "") -> str:
        """The bio as safe HTML (see `submitted_html`)."""
        return submitted_html(self.bio.data or "", self.body_format.data, previous_html)
