"""The site settings form (/admin/settings). The checks are the settings service's own
(webapp/site_settings.py), so the form and every other caller refuse the same input."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from webapp.forms import RichTextField
from webapp.sanitize import editable_text
from webapp.site_settings import (
    SiteSettings,
    checked_description,
    checked_language,
    checked_site_name,
)
from webapp.validation import Rule


class SiteSettingsForm(FlaskForm):
    """Every site setting. Both rich-text fields share the form's one `body_format`
    input (see webapp/forms.py): the editor turns both into Quill or neither."""

    site_name = StringField(
        _l("Site name"),
        description=_l("Shown in the header and in every page title."),
        validators=[Rule(checked_site_name)],
    )
    site_description = TextAreaField(
        _l("Description"),
        description=_l("Plain text. Guests see it on the front page."),
        validators=[Rule(checked_description)],
    )
    registration_open = BooleanField(_l("Anyone can sign up"))
    posting_requires_verified_email = BooleanField(
        _l("New accounts post and comment only once their email address is confirmed"),
        description=_l("Until then they can read, vote and set up their profile."),
    )
    two_factor_required_for_admins = BooleanField(
        _l("Admins must use two-factor sign-in"),
        description=_l("An admin without it is sent to set it up before the admin pages open."),
    )
    default_language = SelectField(
        _l("Default language"),
        description=_l(
            "For people who chose no language and whose browser asks for none of the site's."
        ),
        validate_choice=False,
        validators=[Rule(checked_language)],
    )
    announcement_html = RichTextField(
        _l("Announcement"),
        description=_l(
            "Shown under the header of every page until a person dismisses it. "
            "Leave it empty for no announcement."
        ),
    )
    content_rules_html = RichTextField(
        _l("Content rules"),
        description=_l("Shown on the sign-up page. Leave it empty to show none."),
    )

    @staticmethod
    def initial_data(settings: SiteSettings) -> dict[str, Any]:
        """What the form shows before anything is sent: the stored settings, rich text
        as plain paragraphs for the textarea (the editor loads the stored HTML)."""
        return {
            "site_name": settings.site_name,
            "site_description": settings.site_description,
            "registration_open": settings.registration_open,
            "posting_requires_verified_email": settings.posting_requires_verified_email,
            "two_factor_required_for_admins": settings.two_factor_required_for_admins,
            "default_language": settings.default_language,
            "announcement_html": editable_text(settings.announcement_html),
            "content_rules_html": editable_text(settings.content_rules_html),
        }

    def submitted(self) -> dict[str, Any]:
        """The settings as sent, keyed as `save_site_settings` takes them."""
        return {
            "site_name": self.site_name.data or "",
            "site_description": self.site_description.data or "",
            "registration_open": bool(self.registration_open.data),
            "posting_requires_verified_email": bool(self.posting_requires_verified_email.data),
            "two_factor_required_for_admins": bool(self.two_factor_required_for_admins.data),
            "default_language": self.default_language.data or "",
            "announcement_html": self.announcement_html.rich_text(),
            "content_rules_html": self.content_rules_html.rich_text(),
        }
