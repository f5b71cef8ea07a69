"""Light, dark or automatic: the theme a page is drawn in.

A signed-in person's choice is on their account; a guest's is a cookie. "auto" (the
default) lets the stylesheet follow the device's `prefers-color-scheme`, so the first
paint is already right: the page names its theme in `<html data-theme>` and no script
runs before anything is shown."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

THEME_COOKIE = "theme"
AUTO, LIGHT, DARK = "auto", "light", "dark"
THEME_CHOICES = (
    (AUTO, _l("Automatic (as on this device)")),
    (LIGHT, _l("Light")),
    (DARK, _l("Dark")),
)


def normalize_theme(value: str | None) -> str:
    """One of "auto", "light", "dark" (anything else is "auto")."""
    return value if value in (LIGHT, DARK) else AUTO


def current_theme() -> str:
    """This request's theme: the account's choice, else the guest's cookie, else auto."""
    if current_user.is_authenticated:
        return normalize_theme(current_user.theme)
    return normalize_theme(request.cookies.get(THEME_COOKIE))
