"""Forms for site-wide preferences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # 3.3; stubs: 3.2
from wtforms.validators import Length, Optional, ValidationError

from webapp.i18n import normalize_locale, normalize_timezone
from webapp.meta.theme import AUTO, THEME_CHOICES


class LanguageForm(FlaskForm):
    """The footer's language menu."""

    language = SelectField(validate_choice=False)
    next = HiddenField()


class ThemeForm(FlaskForm):
    """The footer's theme menu."""

    theme = SelectField(choices=[SelectChoice(value, label) for value, label in THEME_CHOICES])
    next = HiddenField()


class PreferencesForm(FlaskForm):
    """Language, time zone and theme; empty or "auto" means "follow my browser"."""

    language = SelectField(
        _l("Language"),
        description=_l("Automatic uses your browser's language."),
        validate_choice=False,
    )
    timezone = StringField(
        _l("Time zone"),
        # Translators: "Europe/Madrid" is a time zone's IANA id, the same in every language.
        description=_l("Type to search, e.g. Europe/Madrid. Empty uses your browser's zone."),
        validators=[Optional(), Length(max=64, message=_l("That is not a time zone."))],
    )

    theme = SelectField(
        _l("Theme"),
        description=_l("Automatic follows the light or dark setting of your device."),
        choices=[SelectChoice(value, label) for value, label in THEME_CHOICES],
        default=AUTO,  # a form sent without it (an older page) keeps the default
    )

    def validate_language(self, field) -> None:
        if field.data and normalize_locale(field.data) is None:
            raise ValidationError(_l("Choose one of the languages in the list."))

    def validate_timezone(self, field) -> None:
        if field.data and normalize_timezone(field.data.strip()) is None:
            raise ValidationError(
                # Translators: "America/Bogota" is a time zone's IANA id: keep it as it is.
                _l("Unknown time zone. Choose one from the list, e.g. America/Bogota.")
            )
