"""Locale and time-zone selection, and the format helpers templates use.

Languages: the default (English, the source language) and every catalog found in
`translations/` (`<code>/LC_MESSAGES/messages.po`); a configured `LANGUAGES` list only
restricts that set. Languages not listed in `translations/complete.txt` are shown as
partly translated, with the share of their catalog that is translated.
Locale: the signed-in user's setting, else the guest's cookie, else the best
Accept-Language match among the shipped catalogs, else the site's default language
(chosen by an admin on /admin/settings; English unless changed). A person's own choice
comes first, then what their browser asks for, then the site's choice: a Persian site
still speaks English to a browser that asks for English and not Persian.
Time zone: the user's setting, else the browser's (a cookie), else UTC.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Literal, cast, get_args
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import (
    TIMEDELTA_UNITS,
    get_date_format,
    get_datetime_format,
    get_time_format,
    get_timezone_gmt,
    get_timezone_location,
)
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import format_timedelta as babel_format_timedelta
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import _get_format as flask_babel_format
from flask_babel import (
    format_date,
    format_datetime,
    get_timezone,
    get_translations,
    to_user_timezone,
)
from flask_babel import get_locale as babel_get_locale
from flask_babel import gettext as _
from flask_login import current_user

from webapp.bidi import isolate, isolate_latin_runs
from webapp.extensions import babel

LANGUAGE_COOKIE = "lang"
TIMEZONE_COOKIE = "tz"
COOKIE_MAX_AGE = 365 * 24 * 3600


COMPLETE_LIST = "complete.txt"  # in a translations directory: the languages declared complete
CATALOG = Path("LC_MESSAGES") / "messages.po"


@dataclass(frozen=True)
class Language:
    """A language the site speaks: its code, its own name and direction, how complete."""

    code: str  # the catalog's folder name, e.g. "pt_BR"
    name: str  # in the language itself, e.g. "Português (Brasil)"
    direction: str  # "ltr" or "rtl"
    complete: bool  # the source language, or declared complete in complete.txt
    share: float = 1.0  # share of the catalog's messages that are translated

    @property
    def tag(self) -> str:
        """The BCP 47 tag for `lang` attributes ("pt-BR")."""
        return self.code.replace("_", "-")


def declared_complete(directory: Path) -> set[str]:
    """Language codes listed in `directory/complete.txt` (one a line, # comments)."""
    listing = directory / COMPLETE_LIST
    if not listing.is_file():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in listing.read_text("utf-8").splitlines())
    return {line for line in lines if line}


def translated_share(catalog_path: Path) -> float:
    """The share of a catalog's messages that have a (non-fuzzy) translation, rounded down
    to whole percents so that a nearly done catalog never shows as 100%."""
    with catalog_path.open("rb") as handle:
        catalog = read_po(handle)
    messages = [message for message in catalog if message.id]
    if not messages:
        return 0.0
    done = sum(
        1
        for message in messages
        if not message.fuzzy
        and (all(message.string) if isinstance(message.string, tuple) else message.string)
    )
    return math.floor(100 * done / len(messages)) / 100


def _language(code: str, complete: bool, share: float = 1.0) -> Language:
    locale = Locale.parse(code)
    name = locale.get_display_name(locale) or code
    return Language(code, name[:1].upper() + name[1:], locale.text_direction, complete, share)


def discover_languages(
    directories: Iterable[str | Path], default: str = "en", only: Iterable[str] | None = None
) -> list[Language]:
    """The default language, then every catalog in `directories`, ordered by code;
    `only` (a configured LANGUAGES) keeps just the codes it names."""
    wanted = {code.lower() for code in only} if only else None
    found: dict[str, Language] = {default: _language(default, complete=True)}
    for directory in map(Path, directories):
        if not directory.is_dir():
            continue
        complete = declared_complete(directory)
        for catalog in sorted(directory.glob(f"*/{CATALOG}")):
            code = catalog.parents[1].name
            if code in found or (wanted is not None and code.lower() not in wanted):
                continue
            try:
                is_complete = code in complete
                share = 1.0 if is_complete else translated_share(catalog)
                found[code] = _language(code, is_complete, share)
            except (ValueError, UnknownLocaleError):  # a folder that names no locale
                continue
    rest = sorted(code for code in found if code != default)
    return [found[default], *(found[code] for code in rest)]


def available_languages() -> list[Language]:
    """The app's languages, found once per app (adding one means a restart anyway)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    languages = app.extensions.get("quorum.languages")
    if languages is None:
        languages = discover_languages(
            app.extensions["babel"].translation_directories,
            app.config["BABEL_DEFAULT_LOCALE"],
            app.config.get("LANGUAGES") or None,
        )
        app.extensions["quorum.languages"] = languages
    return languages


def supported_locales() -> list[str]:
    return [language.code for language in available_languages()]


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
    api = request.path.startswith("/api/")  # scripts say what they read: Accept-Language
    if (
        not api
        and current_user.is_authenticated
        and (chosen := normalize_locale(current_user.locale))
    ):
        return chosen
    if chosen := normalize_locale(request.cookies.get(LANGUAGE_COOKIE)):
        return chosen
    try:
        matched = request.accept_languages.best_match(supported_locales())
    except ValueError:  # a malformed header never breaks the page
        matched = None
    return matched or site_default_language()


SITE_DEFAULT_LANGUAGE = "quorum.site_default_language"


def site_default_language() -> str:
    """The language an admin chose for the site (/admin/settings), for people who chose
    none and whose browser asks for none of the site's languages. The site settings
    register the function that reads it (webapp.templating), as they need this module."""
    chosen = current_app.extensions.get(SITE_DEFAULT_LANGUAGE)
    return (chosen() if chosen else None) or current_app.config["BABEL_DEFAULT_LOCALE"]


_ZONES: frozenset[str] | None = None
# Names in the tz database that are not places (and that Babel cannot name).
_NOT_ZONES = {"Factory", "localtime", "posixrules"}


def known_timezones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones() - _NOT_ZONES)
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


def language_label(language: Language) -> str:
    """A language's own name; a partly translated one says how much is translated."""
    if language.complete:
        return language.name
    # Translators: a language menu entry for a language whose translation
    # is not done, e.g. "Italiano (40% translated)". The name stays in its
    # own language.
    return _(
        "%(language)s (%(percent)s translated)",
        language=language.name,
        percent=percent(language.share),
    )


def language_choices() -> list[tuple[str, str]]:
    """(code, label) for the language menus: each name in its own language."""
    return [(language.code, language_label(language)) for language in available_languages()]


@lru_cache(maxsize=64)
def _parsed_locale(locale: Locale | str) -> Locale:
    """`locale` parsed once per process: a Locale keeps the data it has loaded, so every
    later number and date in that locale skips the parsing and the lookups."""
    return locale if isinstance(locale, Locale) else Locale.parse(locale)


@lru_cache(maxsize=64)
def _direction(locale: Locale | str) -> str:
    return _parsed_locale(locale).text_direction


def text_direction() -> str:
    """The viewer's locale's writing direction: "rtl" or "ltr"."""
    return _direction(babel_get_locale())


# Babel formats digits as 0-9 whatever the locale; these locales write their own.
_NATIVE_DIGITS = {
    "arabext": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    "arab": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
}


@lru_cache(maxsize=64)
def _digit_table(locale: Locale | str) -> dict[int, int] | None:
    """The translation table to `locale`'s own digits, or None where they are 0-9."""
    parsed = _parsed_locale(str(locale))
    return _NATIVE_DIGITS.get(getattr(parsed, "default_numbering_system", "latn"))


def localize_digits(text: str, locale: Locale | str | None = None) -> str:
    """`text` with the viewer's locale's own digits (Persian shows ۱۲۳)."""
    table = _digit_table(locale or babel_get_locale())
    return text.translate(table) if table else text


# Zones that belong to no country ("Etc/GMT+5", "UTC", "EST5EDT") are named by their offset.
_PLACELESS_TERRITORIES = {None, "ZZ", "001"}


@lru_cache(maxsize=32)
def _place_names(locale: str) -> dict[str, str]:
    """Every zone with a place, named in `locale` ("hora de España (Madrid)"): ~0.2 s
    per locale, so kept for the life of the process."""
    territories, aliases = get_global("zone_territories"), get_global("zone_aliases")
    return {
        zone: localize_digits(get_timezone_location(zone, locale=locale), locale)
        for zone in known_timezones()
        if territories.get(aliases.get(zone, zone)) not in _PLACELESS_TERRITORIES
    }


@lru_cache(maxsize=32)
def _placeless_names(locale: str, day: date) -> dict[str, str]:
    """The other zones, by their own name ("Coordinated Universal Time") or by their
    offset on `day` ("GMT-05:00" for Etc/GMT+5 and, in winter, EST5EDT)."""
    places, aliases = _place_names(locale), get_global("zone_aliases")
    own_names = Locale.parse(locale).time_zones
    names = {}
    for zone in known_timezones() - places.keys():
        name = own_names.get(aliases.get(zone, zone), {}).get("long", {}).get("standard")
        if not name:
            moment = datetime.combine(day, time(12), UTC).astimezone(ZoneInfo(zone))
            name = localize_digits(get_timezone_gmt(moment, width="long", locale=locale), locale)
        names[zone] = name
    return names


def timezone_names(zones: Iterable[str]) -> list[tuple[str, str]]:
    """(IANA id, name in the viewer's language) for the preferences' zone picker: a place
    ("hora de España (Madrid)"), a zone's own name ("Coordinated Universal Time") or an
    offset ("GMT-05:00")."""
    locale = str(babel_get_locale())
    places, others = _place_names(locale), _placeless_names(locale, datetime.now(UTC).date())
    return [(zone, places.get(zone) or others.get(zone) or zone) for zone in zones]


def timezone_name(zone: str) -> str:
    """One zone's name in the viewer's language."""
    return timezone_names([zone])[0][1]


# Counters repeat (a feed page shows many 0s, 1s and 2s): each (value, locale) is formatted
# once per process. `typed` keeps 1 and 1.0 apart, as Babel may write them differently.
@lru_cache(maxsize=8192, typed=True)
def _formatted(kind: str, value: int | float, locale: Locale) -> str:
    if kind == "number":
        text = format_decimal(value, locale=locale, numbering_system="default")
    elif kind == "compact":
        text = format_compact_decimal(
            value,
            format_type="short",
            fraction_digits=1,
            locale=locale,
            numbering_system="default",
        )
    else:
        text = format_percent(value, locale=locale, numbering_system="default")
    return localize_digits(text, locale)


def _format(kind: str, value: int | float) -> str:
    locale = babel_get_locale()
    try:
        return _formatted(kind, value, locale)
    except TypeError:  # an unhashable value (a Decimal is fine): format it uncached
        return _formatted.__wrapped__(kind, value, locale)


def number(value: int | float) -> str:
    """1,234 / 1.234 / ۱٬۲۳۴ in the viewer's locale."""
    return _format("number", value)


def compact_number(value: int | float) -> str:
    """1.2K, ۱٫۲ هزار: short numbers for counters, in the viewer's locale."""
    return _format("compact", value)


def percent(value: float) -> str:
    return _format("percent", value)


def request_now() -> datetime:
    """The time of this request (one "now" for every relative time on a page)."""
    if not has_request_context():
        return datetime.now(UTC)
    environ = request.environ
    now = environ.get("quorum.now")
    if now is None:
        now = environ["quorum.now"] = datetime.now(UTC)
    return now


# "3 hours ago" depends only on the locale, the unit, the count and the direction:
# the texts already made are kept by those (Babel picks the unit the same way).
_RELATIVE_TEXTS: dict[tuple[Locale, str, int, bool], str] = {}
_RELATIVE_TEXTS_MAX = 4096


def _relative_key(locale: Locale, seconds: float) -> tuple[Locale, str, int, bool]:
    """The unit and count Babel's format_timedelta(threshold=1) shows for `seconds`."""
    for unit, per_unit in TIMEDELTA_UNITS:
        value = abs(seconds) / per_unit
        if value >= 1 or unit == "second":
            if unit == "second" and value > 0:
                value = max(1, value)
            return locale, unit, int(round(value)), seconds >= 0
    raise AssertionError("the last unit always matches")  # pragma: no cover


def relative_time(moment: datetime | None) -> str:
    """'3 hours ago' in the viewer's language."""
    if moment is None:
        return ""
    locale = babel_get_locale()
    delta = moment - request_now()
    key = _relative_key(locale, delta.total_seconds())
    text = _RELATIVE_TEXTS.get(key)
    if text is None:
        text = babel_format_timedelta(delta, threshold=1, add_direction=True, locale=locale)
        text = localize_digits(text, locale)
        if len(_RELATIVE_TEXTS) < _RELATIVE_TEXTS_MAX:
            _RELATIVE_TEXTS[key] = text
    return text


NamedFormat = Literal["short", "medium", "long", "full"]
_NAMED_FORMATS = get_args(NamedFormat)


@lru_cache(maxsize=256)
def _datetime_patterns(locale: Locale, format: NamedFormat) -> tuple[str, str, str]:
    """A named date-and-time format's parts in `locale`, looked up once: the frame
    ("{1}, {0}") and the time and date patterns Babel's format_datetime fills it with."""
    return (
        str(get_datetime_format(format, locale=locale)).replace("'", ""),
        get_time_format(format, locale=locale).pattern,
        get_date_format(format, locale=locale).pattern,
    )


def date_time(value: datetime | None, format: str = "medium") -> str:
    """A date and time in the viewer's zone and locale."""
    if not value:
        return ""
    resolved = flask_babel_format("datetime", format)
    if resolved not in _NAMED_FORMATS:  # a pattern of the app's own: Flask-Babel's way
        return localize_digits(format_datetime(value, format))
    # What Babel's format_datetime does, with the locale's patterns looked up once.
    locale = babel_get_locale()
    frame, time_pattern, date_pattern = _datetime_patterns(locale, cast(NamedFormat, resolved))
    moment = to_user_timezone(value)
    text = frame.replace("{0}", babel_format_time(moment, time_pattern, locale=locale))
    text = text.replace("{1}", babel_format_date(moment, date_pattern, locale=locale))
    return localize_digits(text, locale)


def date_only(value: datetime | None, format: str = "medium") -> str:
    return localize_digits(format_date(value, format)) if value else ""


def page_translations() -> NullTranslations:
    """The catalog of this request's locale, found once per request (and again only if
    the locale changes): the templates' _() and ngettext() look it up for every string."""
    locale = babel_get_locale()
    memo = g.get("quorum_translations")
    if memo is None or memo[0] is not locale:
        memo = g.quorum_translations = (locale, get_translations())
    return memo[1]


def init_app(app: Flask) -> None:
    # The request's Locale is the one object kept per process for its code (Babel takes a
    # Locale as it is): its loaded data, and the formats cached by locale, are reused.
    babel.init_app(
        app,
        locale_selector=lambda: _parsed_locale(select_locale()),
        timezone_selector=select_timezone,
    )
    # Flask-Babel's callables, with the request's catalog looked up once (page_translations).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters.update(
        datetime=date_time,
        date=date_only,
        relative=relative_time,
        number=number,
        compact=compact_number,
        percent=percent,
        # A name or title inside a translated sentence keeps its own direction.
        isolate=isolate,
    )
    app.jinja_env.globals.update(
        isolate_latin_runs=isolate_latin_runs,
        language_choices=language_choices,
        text_direction=text_direction,
        current_locale=lambda: str(babel_get_locale()),
        current_timezone=lambda: str(get_timezone()),
        languages=available_languages,
        language_label=language_label,
        timezone_name=timezone_name,
        timezone_names=timezone_names,
    )
