"""Light, dark or automatic: a guest's choice is a cookie, a member's is on the account,
and the page names its theme in <html data-theme> (the stylesheet does the rest)."""

from __future__ import annotations

import re

import pytest

from tests.support.forms import submit
from webapp.extensions import db
from webapp.models import User


def theme_of(html: str) -> str:
    match = re.search(r'<html [^>]*data-theme="(\w+)"', html)
    assert match, html[:300]
    return match.group(1)


def color_scheme_meta(html: str) -> str:
    match = re.search(r'<meta name="color-scheme" content="([^"]+)">', html)
    assert match
    return match.group(1)


def test_a_new_visitor_gets_the_automatic_theme(client):
    html = client.get("/").get_data(as_text=True)
    assert theme_of(html) == "auto"
    assert color_scheme_meta(html) == "light dark"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_guest_chooses_a_theme_in_the_footer_without_javascript(client, theme):
    response = submit(client, "/", {"theme": theme, "next": "/c/"}, post_url="/theme")
    assert response.status_code == 302
    assert response.headers["Location"] == "/c/"
    cookie = client.get_cookie("theme")
    assert cookie is not None and cookie.value == theme and cookie.http_only
    html = client.get("/c/").get_data(as_text=True)
    assert theme_of(html) == theme
    assert color_scheme_meta(html) == theme
    assert f'<option value="{theme}" selected>' in html


def test_automatic_forgets_the_guests_cookie(client):
    submit(client, "/", {"theme": "dark"}, post_url="/theme")
    submit(client, "/", {"theme": "auto"}, post_url="/theme")
    assert client.get_cookie("theme") is None
    assert theme_of(client.get("/").get_data(as_text=True)) == "auto"


def test_an_unknown_theme_is_refused(client):
    assert submit(client, "/", {"theme": "neon"}, post_url="/theme").status_code == 400
    client.set_cookie("theme", "neon")  # a hand-made cookie is ignored
    assert theme_of(client.get("/").get_data(as_text=True)) == "auto"


def test_a_members_choice_is_stored_on_the_account_and_wins_over_the_cookie(
    client, auth, make_user
):
    user_id = make_user("bob")
    auth.login("bob")
    submit(client, "/", {"theme": "dark"}, post_url="/theme")
    assert db.session.get(User, user_id).theme == "dark"
    client.set_cookie("theme", "light")
    assert theme_of(client.get("/").get_data(as_text=True)) == "dark"


def test_the_preferences_page_saves_the_theme(client, auth, make_user):
    user_id = make_user("bob")
    auth.login("bob")
    page = client.get("/settings/preferences").get_data(as_text=True)
    assert '<option selected value="auto">' in page or '<option value="auto" selected>' in page
    response = submit(
        client, "/settings/preferences", {"language": "", "timezone": "", "theme": "light"}
    )
    assert response.status_code == 303
    assert db.session.get(User, user_id).theme == "light"
    submit(client, "/settings/preferences", {"language": "", "timezone": "", "theme": "auto"})
    assert db.session.get(User, user_id).theme is None


def test_guests_with_different_themes_never_share_a_cached_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE", "on")
    assert theme_of(client.get("/all").get_data(as_text=True)) == "auto"
    other = app.test_client()
    other.set_cookie("theme", "dark")
    assert theme_of(other.get("/all").get_data(as_text=True)) == "dark"
    assert theme_of(client.get("/all").get_data(as_text=True)) == "auto"
