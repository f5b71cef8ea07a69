"""Languages and places: which language and zone a page uses, and what changes with it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale, gettext

from tests.support.forms import submit
from webapp.extensions import db
from webapp.models import User

LANGUAGES = ["en", "es", "de", "fa"]


def translated(app, locale: str, text: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return gettext(text)


def translated_plural(app, locale: str, singular: str, plural: str, count: int) -> str:
    """What a template shows: ngettext with the count formatted for the locale."""
    template = app.jinja_env.from_string("{{ ngettext(s, p, n, num=n|number) }}")
    with app.test_request_context(), force_locale(locale):
        return template.render(s=singular, p=plural, n=count)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_render_in_every_language(app, client, language):
    client.set_cookie("lang", language)
    html = client.get("/auth/login").get_data(as_text=True)
    direction = "rtl" if language == "fa" else "ltr"
    assert f'<html lang="{language}" dir="{direction}" data-theme="auto">' in html
    for text in ("Sign in", "Email or username", "Keep me signed in on this device"):
        expected = translated(app, language, text)
        assert expected in html
        if language != "en":
            assert expected != text, f"{text!r} is not translated into {language}"
    title = translated(app, language, "Sign in")
    assert f"<title>{title} · Quorum</title>" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_validation_errors_come_in_the_page_language(app, client, language):
    client.set_cookie("lang", language)
    response = submit(client, "/auth/register", {"email": "nope", "username": "x"})
    html = response.get_data(as_text=True)
    for text in (
        "Enter a valid email address, like name@example.com.",
        "A username has 3 to 30 characters.",
    ):
        assert translated(app, language, text) in html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("count", [0, 1, 2, 5, 1000000])
def test_plurals_follow_each_languages_rules(app, language, count):
    text = translated_plural(app, language, "%(num)s comment", "%(num)s comments", count)
    with app.test_request_context(), force_locale(language):
        from webapp.i18n import number

        assert number(count) in text
    if language == "en":
        assert text == (f"{count:,} comment" if count == 1 else f"{count:,} comments")


def test_error_pages_are_translated(app, client):
    client.set_cookie("lang", "de")
    html = client.get("/no/such/page").get_data(as_text=True)
    assert translated(app, "de", "Page not found") in html
    assert translated(app, "de", "Page not found") != "Page not found"


def test_locale_order_user_then_cookie_then_header_then_english(app, client, auth, make_user):
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)
    assert '<html lang="es"' in client.get(
        "/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
    ).get_data(as_text=True)
    client.set_cookie("lang", "de")
    assert '<html lang="de"' in client.get("/", headers={"Accept-Language": "es"}).get_data(
        as_text=True
    )
    user_id = make_user("polyglot")
    db.session.get(User, user_id).locale = "fa"
    db.session.commit()
    auth.login("polyglot")
    assert '<html lang="fa" dir="rtl"' in client.get(
        "/", headers={"Accept-Language": "es"}
    ).get_data(as_text=True)


@pytest.mark.parametrize("cookie", ["xx", "", "en;evil", "ü" * 20, "zh_Hant_TW"])
def test_unknown_language_cookie_falls_back(client, cookie):
    client.set_cookie("lang", cookie)
    response = client.get("/")
    assert response.status_code == 200 and '<html lang="en"' in response.get_data(as_text=True)


def test_guest_picks_a_language_from_the_footer_without_javascript(app, client):
    response = submit(client, "/", {"language": "es", "next": "/c/"}, post_url="/language")
    assert response.headers["Location"] == "/c/"
    html = client.get("/c/").get_data(as_text=True)
    assert '<html lang="es"' in html and translated(app, "es", "Communities") in html


def test_signed_in_language_choice_is_saved_on_the_account(client, auth, make_user):
    user_id = make_user("bob")
    auth.login("bob")
    submit(client, "/", {"language": "de"}, post_url="/language")
    assert db.session.get(User, user_id).locale == "de"


def test_times_and_numbers_follow_the_viewers_zone_and_locale(app):
    from flask_babel import refresh

    from webapp.i18n import date_time, number, relative_time

    moment = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    with app.test_request_context(headers={"Cookie": "tz=Asia/Tehran; lang=fa"}):
        refresh()
        assert "۱۶:۰۰" in date_time(moment)  # 12:30 UTC is 16:00 in Tehran, Persian digits
        assert number(1234567) == "۱٬۲۳۴٬۵۶۷"
    with app.test_request_context(headers={"Cookie": "tz=America/Bogota; lang=de"}):
        refresh()
        assert "07:30" in date_time(moment) and number(1234567) == "1.234.567"
    with app.test_request_context(headers={"Cookie": "tz=Not/AZone; lang=es"}):
        refresh()
        assert "12:30" in date_time(moment)  # an unknown zone falls back to UTC
        assert "hace" in relative_time(datetime(2020, 1, 1, tzinfo=UTC))


# Around every unit's edge, both ways: "60 minutes" (3,599 s) is not "1 hour" (3,600 s).
EDGE_SECONDS = [0, 1, 44, 59, 59.5, 60, 89, 90, 3599, 3600, 5399, 86399, 86400, 604799]
EDGE_SECONDS += [2591999, 2592000, 31535999, 31536000, 10**9]


@pytest.mark.parametrize("language", LANGUAGES)
def test_cached_formats_say_exactly_what_babel_says(app, language):
    """The per-locale caches behind relative times, dates and numbers change no text:
    each helper gives Babel's own answer (in the locale's digits), read twice."""
    from datetime import timedelta

    from babel.dates import format_timedelta
    from babel.numbers import format_compact_decimal, format_decimal, format_percent
    from flask_babel import format_datetime, get_locale, refresh

    from webapp.i18n import (
        compact_number,
        date_time,
        localize_digits,
        number,
        percent,
        relative_time,
        request_now,
    )

    moment = datetime(2026, 3, 1, 12, 30, 5, tzinfo=UTC)
    with app.test_request_context(headers={"Cookie": f"tz=Asia/Tehran; lang={language}"}):
        refresh()
        locale, now = get_locale(), request_now()
        for _round in range(2):  # the second round reads the caches
            for seconds in EDGE_SECONDS + [-s for s in EDGE_SECONDS]:
                delta = timedelta(seconds=seconds)
                babel = format_timedelta(delta, threshold=1, add_direction=True, locale=locale)
                assert relative_time(now + delta) == localize_digits(babel, locale), seconds
            for format in ("short", "medium", "long", "full", "yyyy-MM-dd HH:mm"):
                assert date_time(moment, format) == localize_digits(format_datetime(moment, format))
            for value in (0, 1, 1.0, 1.5, 999, 1234, 1234567, -42, 0.125):
                babel = format_decimal(value, locale=locale, numbering_system="default")
                assert number(value) == localize_digits(babel, locale), value
                babel = format_compact_decimal(
                    value,
                    format_type="short",
                    fraction_digits=1,
                    locale=locale,
                    numbering_system="default",
                )
                assert compact_number(value) == localize_digits(babel, locale), value
                babel = format_percent(value, locale=locale, numbering_system="default")
                assert percent(value) == localize_digits(babel, locale), value


def test_preferences_page_saves_language_and_zone(app, client, auth, make_user):
    user_id = make_user("carol")
    auth.login("carol")
    page = client.get("/settings/preferences").get_data(as_text=True)
    assert '<option value="Europe/Madrid">' in page
    bad = submit(client, "/settings/preferences", {"language": "de", "timezone": "Mars/Base"})
    assert bad.status_code == 422
    assert translated(app, "en", "Unknown time zone.")[:10] in bad.get_data(as_text=True)
    assert 'value="Mars/Base"' in bad.get_data(as_text=True)
    good = submit(client, "/settings/preferences", {"language": "de", "timezone": "Europe/Berlin"})
    assert good.status_code == 303
    user = db.session.get(User, user_id)
    assert (user.locale, user.timezone) == ("de", "Europe/Berlin")
    assert "Europe/Berlin" in client.get("/settings/preferences").get_data(as_text=True)
    submit(client, "/settings/preferences", {"language": "", "timezone": ""})
    user = db.session.get(User, user_id)
    assert (user.locale, user.timezone) == (None, None)


def test_follow_button_is_one_message_not_the_list_name(app, client, auth, make_user):
    """Persian showed the list name in the button ("Followees · Unfollow")."""
    make_user("alice")
    make_user("bob")
    auth.login("bob")
    submit(client, "/u/alice", {}, post_url="/u/alice/follow")
    client.set_cookie("lang", "fa")
    html = client.get("/u/alice").get_data(as_text=True)
    assert ">دنبال می‌کنید · لغو دنبال کردن</span></button>" in html
    assert "دنبال‌شونده‌ها · " not in html
    client.set_cookie("lang", "en")
    assert ">Following · Unfollow</span></button>" in client.get("/u/alice").get_data(as_text=True)


def test_templates_and_code_translate_with_a_context(app):
    from flask_babel import npgettext, pgettext

    template = app.jinja_env.from_string(
        "{{ pgettext('people this person follows', 'Following') }}|"
        "{{ pgettext('follow button', 'Following · Unfollow') }}|"
        "{{ npgettext('no such context', '%(num)s apple', '%(num)s apples', 2) }}"
    )
    with app.test_request_context(), force_locale("fa"):
        assert template.render() == "دنبال‌شونده‌ها|دنبال می‌کنید · لغو دنبال کردن|2 apples"
        assert pgettext("people this person follows", "Following") == "دنبال‌شونده‌ها"
        assert npgettext("no such context", "%(num)s pear", "%(num)s pears", 1) == "1 pear"
    with app.test_request_context(), force_locale("es"):
        assert template.render() == "Siguiendo|Siguiendo · Dejar de seguir|2 apples"


def test_time_zones_are_named_in_the_readers_language(app, client, auth, make_user):
    """The picker shows each zone's name in the page's language; the value sent is the
    IANA id, and the zone in use is named with its id beside it."""
    user_id = make_user("dora")
    auth.login("dora")
    client.set_cookie("lang", "es")
    page = client.get("/settings/preferences").get_data(as_text=True)
    assert '<option value="Europe/Madrid">hora de España (Madrid)</option>' in page
    assert '<option value="Etc/GMT+5">GMT-05:00</option>' in page  # no place: its offset
    assert '<option value="UTC">tiempo universal coordinado</option>' in page
    assert 'value="Factory"' not in page and 'value="localtime"' not in page
    assert (
        'se muestran en <bdi>tiempo universal coordinado</bdi> (<bdi dir="ltr">UTC</bdi>)' in page
    )
    client.set_cookie("lang", "fa")
    page = client.get("/settings/preferences").get_data(as_text=True)
    assert '<option value="Asia/Tehran">وقت ایران</option>' in page
    assert '<option value="Etc/GMT+5">-۰۵:۰۰ گرینویچ</option>' in page
    good = submit(client, "/settings/preferences", {"language": "", "timezone": "Asia/Tehran"})
    assert good.status_code == 303 and db.session.get(User, user_id).timezone == "Asia/Tehran"
    page = client.get("/settings/preferences").get_data(as_text=True)
    assert '<bdi>وقت ایران</bdi> (<bdi dir="ltr">Asia/Tehran</bdi>)' in page
    refused = submit(client, "/settings/preferences", {"language": "", "timezone": "Factory"})
    assert refused.status_code == 422


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_zone_has_a_name_in_every_language(app, language):
    from webapp.i18n import known_timezones, timezone_names

    with app.test_request_context(), force_locale(language):
        names = dict(timezone_names(sorted(known_timezones())))
    assert len(names) > 400
    nameless = [zone for zone, name in names.items() if not name or name == zone]
    assert nameless == []
