"""Site settings: what an admin changes on /admin/settings without a deploy.

Each setting is one `SiteSetting` row holding text; this module knows each one's type,
default and rules. A setting without a row has its default. Pages read the settings
once per request (`current_settings`): from `g` within the request, else from the
shared cache, else from the database (one statement, then cached). Saving them drops
the cached copy once the transaction has committed, so every worker reads the new
values on its next request (a per-process SimpleCache keeps an old copy for at most
CACHE_SECONDS in other workers).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from webapp.admin.permissions import can_open_admin
from webapp.caching import stale_site
from webapp.domain import DomainError
from webapp.extensions import cache, db
from webapp.faults import lost_connection
from webapp.models import SiteSetting, User, utc_now
from webapp.moderation.log import record_action
from webapp.sanitize import RichText
from webapp.unit_of_work import after_commit
from webapp.validation import bounded_text, clean_name

logger = logging.getLogger(__name__)

CACHE_KEY = "site-settings:v1"
CACHE_SECONDS = 60
_REQUEST_KEY = "quorum_site_settings"

SITE_NAME_MAX = 50
DESCRIPTION_MAX = 500
RICH_TEXT_MAX = 20_000  # characters of cleaned HTML
RICH_TEXT_SENT_MAX = 100_000  # characters as sent, before cleaning

# Names of the settings, as the log's reason lists what changed.
SETTING_LABELS = {
    "site_name": _l("Site name"),
    "site_description": _l("Site description"),
    "registration_open": _l("Registration open"),
    "announcement_html": _l("Announcement"),
    "default_language": _l("Default language"),
    "content_rules_html": _l("Content rules"),
    "posting_requires_verified_email": _l("Posting waits until the email address is confirmed"),
    "two_factor_required_for_admins": _l("Two-factor sign-in required for admins"),
}
BOOLEAN_SETTINGS = frozenset(
    {"registration_open", "posting_requires_verified_email", "two_factor_required_for_admins"}
)
SETTING_KEYS = tuple(SETTING_LABELS)


@dataclass(frozen=True)
class SiteSettings:
    """Every setting, typed, with defaults filled in."""

    site_name: str
    site_description: str
    registration_open: bool
    announcement_html: str
    default_language: str
    content_rules_html: str
    posting_requires_verified_email: bool
    two_factor_required_for_admins: bool

    @property
    def announcement_version(self) -> str:
        """A short hash of the announcement: a dismissal remembers it, so a new
        announcement shows again. Empty when there is no announcement."""
        if not self.announcement_html:
            return ""
        return hashlib.sha256(self.announcement_html.encode()).hexdigest()[:12]


# -- Stored text <-> typed values -----------------------------------------------------------


def _defaults() -> dict[str, Any]:
    config = current_app.config
    return {
        "site_name": config["SITE_NAME"],
        "site_description": "",
        "registration_open": True,
        "announcement_html": "",
        "default_language": config["BABEL_DEFAULT_LOCALE"],
        "content_rules_html": "",
        "posting_requires_verified_email": False,
        "two_factor_required_for_admins": False,
    }


def _from_text(key: str, text: str, default: Any) -> Any:
    if key in BOOLEAN_SETTINGS:
        return text == "1"
    if key == "default_language":
        from webapp.i18n import normalize_locale

        # A language removed from the site since it was chosen: the configured default.
        return normalize_locale(text) or default
    if key == "site_name":
        return text or default
    return text


def _to_text(key: str, value: Any) -> str:
    if key in BOOLEAN_SETTINGS:
        return "1" if value else "0"
    return str(value)


def settings_from_rows(stored: Mapping[str, str]) -> SiteSettings:
    """Typed settings from the stored texts (key → text); missing keys get defaults."""
    defaults = _defaults()
    values = {
        key: _from_text(key, stored[key], defaults[key]) if key in stored else defaults[key]
        for key in SETTING_KEYS
    }
    return SiteSettings(**values)


# -- Reading ------------------------------------------------------------------------------


def _stored_texts() -> dict[str, str]:
    cached = cache.get(CACHE_KEY)
    if isinstance(cached, dict):
        return cached
    rows = db.session.execute(select(SiteSetting.key, SiteSetting.value)).all()
    stored = {key: value for key, value in rows if key in SETTING_LABELS}
    cache.set(CACHE_KEY, stored, timeout=CACHE_SECONDS)
    return stored


def current_settings() -> SiteSettings:
    """This request's settings (read once per request, from the cache when it has them).

    When the database cannot be read, the page is built with the defaults rather than
    not at all (error pages show the site name too); a lost connection is raised again
    so the request is retried or answered 503 (webapp/faults.py), which then uses the
    defaults without asking the database again."""
    if not has_app_context():
        raise RuntimeError("site settings need an app context")
    settings = g.get(_REQUEST_KEY)
    if settings is not None:
        return settings
    try:
        settings = settings_from_rows(_stored_texts())
    except DBAPIError as error:
        setattr(g, _REQUEST_KEY, settings_from_rows({}))
        if lost_connection(error):
            raise
        logger.warning("Site settings could not be read; using the defaults", exc_info=True)
        return g.get(_REQUEST_KEY)
    setattr(g, _REQUEST_KEY, settings)
    return settings


def forget_cached_settings() -> None:
    """Drop the shared copy (after a save has committed) and this request's copy."""
    cache.delete(CACHE_KEY)
    if has_app_context():
        g.pop(_REQUEST_KEY, None)


# -- Checks (also used by the settings form, through webapp.validation.Rule) ---------------


def checked_site_name(value: str | None) -> str:
    return clean_name(
        value,
        "site_name",
        SITE_NAME_MAX,
        _l("A site name has at most 50 characters."),
        required=_l("Give the site a name."),
    )


def checked_description(value: str | None) -> str:
    return bounded_text(
        value, "site_description", DESCRIPTION_MAX, _l("A description has at most 500 characters.")
    )


def checked_language(value: str | None) -> str:
    from webapp.i18n import normalize_locale

    language = normalize_locale(value)
    if language is None:
        raise DomainError(_l("Choose one of the languages in the list."), "default_language")
    return language


def _checked_rich_text(key: str, previous_html: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = RichText.of(value)
        if len(text.raw) > RICH_TEXT_SENT_MAX:
            raise DomainError(_l("This text is too long."), key)
        html = text.to_html(previous_html)
        if len(html) > RICH_TEXT_MAX:
            raise DomainError(_l("This text is too long."), key)
        return html

    return check


def _checks(current: SiteSettings) -> dict[str, Callable[[Any], Any]]:
    return {
        "site_name": checked_site_name,
        "site_description": checked_description,
        "registration_open": bool,
        "announcement_html": _checked_rich_text("announcement_html", current.announcement_html),
        "default_language": checked_language,
        "content_rules_html": _checked_rich_text("content_rules_html", current.content_rules_html),
        "posting_requires_verified_email": bool,
        "two_factor_required_for_admins": bool,
    }


# -- Writing ------------------------------------------------------------------------------


def save_site_settings(actor: User, values: Mapping[str, Any]) -> list[str]:
    """Check and store the settings given in `values` (a key left out keeps its value;
    rich text as `RichText`, or HTML as a string); log which ones changed. Returns the
    keys that changed (none: nothing is written or logged)."""
    if not can_open_admin(actor):
        raise DomainError(_l("Only site administrators can change the site settings."), status=403)
    unknown = set(values) - set(SETTING_KEYS)
    if unknown:
        raise ValueError(f"unknown site settings: {sorted(unknown)}")
    current = current_settings()
    checks = _checks(current)
    cleaned = {key: checks[key](value) for key, value in values.items()}
    changed = [
        key for key in SETTING_KEYS if key in cleaned and cleaned[key] != getattr(current, key)
    ]
    if not changed:
        return []
    rows = {
        row.key: row
        for row in db.session.scalars(select(SiteSetting).where(SiteSetting.key.in_(changed)))
    }
    for key in changed:
        row = rows.get(key)
        if row is None:
            row = SiteSetting(key=key)
            db.session.add(row)
        row.value = _to_text(key, cleaned[key])
        row.updated_by_id = actor.id
        row.updated_at = utc_now()
    record_action(
        actor.id,
        "edit_site_settings",
        "site",
        None,
        reason=", ".join(str(SETTING_LABELS[key]) for key in changed),
    )
    db.session.flush()
    after_commit(forget_cached_settings)
    stale_site()
    return changed


def require_registration_open() -> None:
    """Refuse sign-ups while an admin has closed registration."""
    if not current_settings().registration_open:
        raise DomainError(_l("Sign-ups are closed on this site for now."), status=403)


# -- The announcement banner ----------------------------------------------------------------

ANNOUNCEMENT_COOKIE = "announcement_dismissed"
ANNOUNCEMENT_VERSION_LENGTH = 12


def visible_announcement(settings: SiteSettings, dismissed: str | None) -> SiteSettings | None:
    """The settings when their announcement is to be shown: there is one, and the
    browser's dismissal cookie (`dismissed`) names another version or none."""
    version = settings.announcement_version
    if not version or dismissed == version:
        return None
    return settings
