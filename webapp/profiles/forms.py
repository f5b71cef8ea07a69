"""Profile settings form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional

from webapp.forms import RichTextField
from webapp.profiles.services import checked_name, checked_website
from webapp.validation import Rule


class ProfileForm(FlaskForm):
    """What a person shows on their public page."""

    display_name = StringField(
        _l("Display name"),
        description=_l("Shown instead of your username. Optional."),
        validators=[
            Optional(),
            Length(max=50, message=_l("At most 50 characters.")),
            Rule(checked_name),
        ],
    )
    first_name = StringField(
        _l("First name"),
        validators=[
            Optional(),
            Length(max=50, message=_l("At most 50 characters.")),
            Rule(checked_name),
        ],
    )
    last_name = StringField(
        _l("Last name"),
        validators=[
            Optional(),
            Length(max=50, message=_l("At most 50 characters.")),
            Rule(checked_name),
        ],
    )
    bio = RichTextField(
        _l("About you"),
        validators=[Optional(), Length(max=50_000, message=_l("That is too long."))],
    )
    website = StringField(
        _l("Website"),
        description=_l("A web address starting with http:// or https://."),
        validators=[
            Optional(),
            Length(max=300, message=_l("At most 300 characters.")),
            Rule(checked_website),
        ],
    )
    avatar = FileField(
        _l("New picture"), description=_l("JPEG, PNG, GIF or WebP, at most 5 MB; cropped square.")
    )
    remove_avatar = BooleanField(_l("Use the generated picture instead"))
