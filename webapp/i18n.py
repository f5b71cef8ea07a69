"""Locale and time-zone selection, and the format helpers templates use.

Locale: the signed-in user's setting, else the guest's cookie, else the best
Accept-Language match among the shipped catalogs, else the default (English).
Time zone: the user's setting, else the browser's (a cookie), else UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import available_timezones

from babel import Locale
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_timedelta, get_timezone
from flask_babel import get_locale as babel_get_locale
from flask_login import current_user

from webapp.extensions import babel

LANGUAGE_COOKIE = "lang"
TIMEZONE_COOKIE = "tz"
COOKIE_MAX_AGE = 365 * 24 * 3600


def supported_locales() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def normalize_locale(value: str | None) -> str | None:
    """The shipped locale named by `value` (any case, `-` or `_`), or None."""
    if not value or len(value) > 16:
        return None
    wanted = value.strip().replace("-", "_").lower()
    for code in supported_locales():
        if code.lower() == wanted:
            return code
    return None


def select_locale() -> str:
    if not has_request_context():  # CLI commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and (chosen := normalize_locale(current_user.locale)):
        return chosen
    if chosen := normalize_locale(request.cookies.get(LANGUAGE_COOKIE)):
        return chosen
    try:
        matched = request.accept_languages.best_match(supported_locales())
    except ValueError:  # a malformed header never breaks the page
        matched = None
    return matched or current_app.config["BABEL_DEFAULT_LOCALE"]


_ZONES: frozenset[str] | None = None


def known_timezones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def normalize_timezone(value: str | None) -> str | None:
    if value and len(value) <= 64 and value in known_timezones():
        return value
    return None


def select_timezone() -> str:
    if not has_request_context():
        return "UTC"
    if current_user.is_authenticated and (zone := normalize_timezone(current_user.timezone)):
        return zone
    return normalize_timezone(request.cookies.get(TIMEZONE_COOKIE)) or "UTC"


def language_choices() -> list[tuple[str, str]]:
    """(code, name in its own language) for the language menu."""
    return [
        (code, (Locale.parse(code).get_display_name(code) or code).capitalize())
        for code in supported_locales()
    ]


def text_direction() -> str:
    return Locale.parse(str(babel_get_locale())).text_direction


# Babel formats digits as 0-9 whatever the locale; these locales write their own.
_NATIVE_DIGITS = {
    "arabext": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    "arab": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
}


def localize_digits(text: str) -> str:
    """`text` with the viewer's locale's own digits (Persian shows ۱۲۳)."""
    locale = Locale.parse(str(babel_get_locale()))
    table = _NATIVE_DIGITS.get(getattr(locale, "default_numbering_system", "latn"))
    return text.translate(table) if table else text


def number(value: int | float) -> str:
    """1,234 / 1.234 / ۱٬۲۳۴ in the viewer's locale."""
    return localize_digits(
        format_decimal(value, locale=babel_get_locale(), numbering_system="default")
    )


def compact_number(value: int | float) -> str:
    """1.2K, ۱٫۲ هزار: short numbers for counters, in the viewer's locale."""
    return localize_digits(
        format_compact_decimal(
            value,
            format_type="short",
            fraction_digits=1,
            locale=babel_get_locale(),
            numbering_system="default",
        )
    )


def percent(value: float) -> str:
    return localize_digits(
        format_percent(value, locale=babel_get_locale(), numbering_system="default")
    )


def relative_time(moment: datetime | None) -> str:
    """'3 hours ago' in the viewer's language."""
    if moment is None:
        return ""
    delta = moment - datetime.now(UTC)
    return localize_digits(format_timedelta(delta, add_direction=True, threshold=1))


def date_time(value: datetime | None, format: str = "medium") -> str:
    """A date and time in the viewer's zone and locale."""
    return localize_digits(format_datetime(value, format)) if value else ""


def date_only(value: datetime | None, format: str = "medium") -> str:
    return localize_digits(format_date(value, format)) if value else ""


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters.update(
        datetime=date_time,
        date=date_only,
        relative=relative_time,
        number=number,
        compact=compact_number,
        percent=percent,
    )
    app.jinja_env.globals.update(
        language_choices=language_choices,
        text_direction=text_direction,
        current_locale=lambda: str(babel_get_locale()),
        current_timezone=lambda: str(get_timezone()),
    )
