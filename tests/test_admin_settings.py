"""Site settings: /admin/settings saves them, and every page shows them (name, sign-up,
announcement, content rules, default language, description)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.forms import csrf_token_from, submit
from webapp.models import ModerationAction, SiteSetting, User
from webapp.site_settings import ANNOUNCEMENT_COOKIE

SETTINGS_URL = "/admin/settings"


@pytest.fixture
def admin(auth, make_user, db_session):
    """A signed-in site admin (signing in counts as typing the password)."""
    admin_id = make_user("root")
    db_session.get(User, admin_id).is_admin = True
    db_session.commit()
    auth.login("root")
    return admin_id


def settings_form(**changes) -> dict:
    """Everything the settings form sends, with its defaults, changed by `changes`
    (a value of None leaves the field out, as an unticked checkbox is)."""
    data = {
        "site_name": "Quorum",
        "site_description": "",
        "registration_open": "y",
        "default_language": "en",
        "announcement_html": "",
        "content_rules_html": "",
        "body_format": "text",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def save(client, **changes):
    return submit(client, SETTINGS_URL, settings_form(**changes))


def stored(db_session) -> dict[str, str]:
    db_session.expire_all()
    return dict(db_session.execute(select(SiteSetting.key, SiteSetting.value)).all())


def log_entries(db_session) -> list[ModerationAction]:
    db_session.expire_all()
    return list(
        db_session.scalars(
            select(ModerationAction).where(ModerationAction.action == "edit_site_settings")
        )
    )


def test_settings_page_shows_the_current_values(client, admin):
    response = client.get(SETTINGS_URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="site_name" type="text" value="Quorum"' in html
    assert 'aria-current="page">Site settings</a>' in html
    assert "css/admin.css" in html


def test_saved_site_name_is_in_every_title_and_header_and_logged(client, auth, admin, db_session):
    response = save(client, site_name="  Agora  ")
    assert response.status_code == 303
    assert stored(db_session) == {"site_name": "Agora"}
    (entry,) = log_entries(db_session)
    assert (entry.actor_id, entry.target_type, entry.reason) == (admin, "site", "Site name")
    auth.logout()
    for path in ("/", "/auth/login", "/c/"):
        html = client.get(path).get_data(as_text=True)
        assert " · Agora</title>" in html, path
        assert '<a class="site-name" href="/">Agora</a>' in html


def test_saving_unchanged_settings_writes_and_logs_nothing(client, admin, db_session):
    response = save(client)
    assert response.status_code == 303
    assert "Nothing changed." in client.get(SETTINGS_URL).get_data(as_text=True)
    assert stored(db_session) == {}
    assert log_entries(db_session) == []


def test_the_reason_lists_every_setting_that_changed(client, admin, db_session):
    save(client, site_description="A place to talk", registration_open=None, default_language="de")
    (entry,) = log_entries(db_session)
    assert entry.reason == "Site description, Registration open, Default language"
    assert stored(db_session) == {
        "site_description": "A place to talk",
        "registration_open": "0",
        "default_language": "de",
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"site_name": "   "}, "site_name", "Give the site a name."),
        ({"site_name": "x" * 51}, "site_name", "A site name has at most 50 characters."),
        (
            {"default_language": "xx"},
            "default_language",
            "Choose one of the languages in the list.",
        ),
        (
            {"site_description": "d" * 501},
            "site_description",
            "A description has at most 500 characters.",
        ),
    ],
)
def test_bad_input_comes_back_with_422_and_what_was_typed(
    client, admin, db_session, changes, field, message
):
    typed = {"site_description": "Kept as typed", "announcement_html": "Hello everyone", **changes}
    response = save(client, **typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f'id="{field}-error"' in html
    if field != "site_description":
        assert "\nKept as typed</textarea>" in html
    assert "Hello everyone</textarea>" in html
    assert stored(db_session) == {}
    assert log_entries(db_session) == []


def test_too_long_announcement_is_refused_by_the_service(client, admin, db_session):
    response = save(client, announcement_html="<p>" + "a" * 20_001 + "</p>", body_format="html")
    assert response.status_code == 422
    assert "This text is too long." in response.get_data(as_text=True)
    assert stored(db_session) == {}


def test_closed_registration_says_so_and_refuses_sign_up(client, auth, admin, db_session):
    save(client, registration_open=None)
    auth.logout()
    page = client.get("/auth/register")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Sign-ups are closed on this site for now." in html
    assert 'name="password"' not in html
    users_before = db_session.scalar(select(func.count()).select_from(User))
    token = csrf_token_from(html)
    response = client.post(
        "/auth/register",
        data={
            "csrf_token": token,
            "email": "newbie@example.org",
            "username": "newbie",
            "password": "correct horse battery",
            "password_confirm": "correct horse battery",
        },
    )
    assert response.status_code == 403
    assert "Sign-ups are closed on this site for now." in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(User)) == users_before
    # Nothing invites a guest to a sign-up that is closed.
    for path in ("/", "/auth/login", "/c/"):
        assert 'href="/auth/register"' not in client.get(path).get_data(as_text=True), path


def test_the_sign_up_service_refuses_while_sign_ups_are_closed(app, client, admin, db_session):
    from webapp.auth.services import sign_up
    from webapp.domain import DomainError

    save(client, registration_open=None)
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        sign_up("newbie@example.org", "newbie", "correct horse battery")
    assert refused.value.status == 403
    assert str(refused.value.message) == "Sign-ups are closed on this site for now."


def test_reopened_registration_lets_people_sign_up(client, auth, admin, db_session):
    save(client, registration_open=None)
    save(client, registration_open="y")
    auth.logout()
    assert 'href="/auth/register"' in client.get("/").get_data(as_text=True)
    assert auth.register("newbie").status_code == 303
    assert (
        db_session.scalar(
            select(func.count()).select_from(User).where(User.email == "newbie@example.org")
        )
        == 1
    )


def test_content_rules_are_cleaned_and_shown_on_the_sign_up_page(client, auth, admin, db_session):
    save(
        client,
        content_rules_html='<p>Be <strong>kind</strong><img src=x onerror="alert(1)"></p>',
        body_format="html",
    )
    assert stored(db_session)["content_rules_html"] == "<p>Be <strong>kind</strong></p>"
    auth.logout()
    html = client.get("/auth/register").get_data(as_text=True)
    assert "The rules of Quorum" in html
    assert "<p>Be <strong>kind</strong></p>" in html
    assert "onerror" not in html


def test_announcement_is_sanitized_shown_to_guests_and_stays_dismissed(
    client, auth, admin, db_session
):
    save(
        client,
        announcement_html='<p>Maintenance <script>alert("x")</script>at <em>noon</em></p>',
        body_format="html",
    )
    # The tag is gone (its text stays, as in posts): nothing in it can run.
    cleaned = '<p>Maintenance alert("x")at <em>noon</em></p>'
    assert stored(db_session)["announcement_html"] == cleaned
    auth.logout()
    html = client.get("/").get_data(as_text=True)
    assert '<section id="announcement"' in html
    assert cleaned.replace('"', "&#34;") in html or cleaned in html
    assert "<script>alert" not in html

    response = submit(
        client, "/", {"version": _version(html), "next": "/c/"}, post_url="/announcement/dismiss"
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/c/"
    assert ANNOUNCEMENT_COOKIE in response.headers["Set-Cookie"]
    for path in ("/", "/c/"):
        assert 'id="announcement"' not in client.get(path).get_data(as_text=True)

    auth.login("root")
    save(client, announcement_html="<p>New rules from Monday</p>", body_format="html")
    auth.logout()
    html = client.get("/").get_data(as_text=True)
    assert "New rules from Monday" in html


def test_htmx_dismissal_removes_the_banner_in_place(client, admin):
    save(client, announcement_html="Hello", body_format="text")
    page = client.get("/").get_data(as_text=True)
    assert 'hx-post="/announcement/dismiss" hx-target="#announcement" hx-swap="outerHTML"' in page
    response = client.post(
        "/announcement/dismiss",
        data={"version": _version(page)},
        headers={"HX-Request": "true", "X-CSRFToken": csrf_token_from(page)},
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True) == ""
    assert 'id="announcement"' not in client.get("/").get_data(as_text=True)


def test_dismissal_needs_a_csrf_token_and_a_version(client, admin):
    save(client, announcement_html="Hello", body_format="text")
    page = client.get("/").get_data(as_text=True)
    assert client.post("/announcement/dismiss", data={"version": _version(page)}).status_code == 400
    bad = submit(client, "/", {"version": "<script>"}, post_url="/announcement/dismiss")
    assert bad.status_code == 400


def test_plain_text_announcement_becomes_paragraphs(client, admin, db_session):
    save(client, announcement_html="Line one\n\n<b>two</b>", body_format="text")
    assert stored(db_session)["announcement_html"] == "<p>Line one</p><p>&lt;b&gt;two&lt;/b&gt;</p>"


def test_default_language_is_used_when_the_browser_asks_for_none_of_the_sites(client, auth, admin):
    save(client, default_language="de")
    auth.logout()
    assert '<html lang="de"' in client.get("/").get_data(as_text=True)
    assert '<html lang="de"' in client.get("/", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    # The browser's own language comes before the site's choice...
    assert '<html lang="es"' in client.get("/", headers={"Accept-Language": "es"}).get_data(
        as_text=True
    )
    # ...and a person's own choice before both.
    client.set_cookie("lang", "fa")
    assert '<html lang="fa"' in client.get("/", headers={"Accept-Language": "es"}).get_data(
        as_text=True
    )


def test_description_is_shown_to_guests_on_the_front_page(client, auth, admin):
    save(client, site_description="Talk about <books>.\n\nBe nice.")
    assert "site-description" not in client.get("/").get_data(as_text=True)
    auth.logout()
    html = client.get("/").get_data(as_text=True)
    assert (
        '<div class="site-description" dir="auto"><p>Talk about &lt;books&gt;.</p><p>Be nice.</p>'
        in html
    )


def test_pages_read_the_settings_from_the_cache(client, auth, admin, count_statements):
    save(client, site_name="Agora", announcement_html="Hi", body_format="text")
    auth.logout()
    client.get("/")  # the first page after saving reads them once
    with count_statements() as counter:
        html = client.get("/").get_data(as_text=True)
    assert " · Agora</title>" in html
    assert not [sql for sql in counter.statements if "site_settings" in sql]


def test_only_admins_open_or_change_the_settings(client, auth, make_user, db_session):
    assert client.get(SETTINGS_URL).status_code == 302
    make_user("bob")
    auth.login("bob")
    assert client.get(SETTINGS_URL).status_code == 403
    page = client.get("/").get_data(as_text=True)
    response = client.post(
        SETTINGS_URL,
        data={**settings_form(site_name="Hacked"), "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 403
    assert stored(db_session) == {}


def _version(html: str) -> str:
    marker = 'name="version" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
