"""Writes for site-wide preferences."""

from __future__ import annotations

from webapp.models import User


def save_locale(user: User, locale: str) -> None:
    """Remember a signed-in user's language choice on their account."""
    user.locale = locale


def save_preferences(user: User, locale: str | None, timezone: str | None) -> None:
    """Language and time zone; None means "follow the browser"."""
    user.locale = locale or None
    user.timezone = timezone or None


def save_theme(user: User, theme: str) -> None:
    """ "light" or "dark"; "auto" (stored as None) follows the device."""
    user.theme = theme if theme in ("light", "dark") else None
