"""Who gets into the admin area and the moderators' pages. The URL map is walked, so a
route added later is covered without anyone remembering to add it here."""

from __future__ import annotations

import re
import time

import pytest

from tests.support.forms import csrf_token_from, submit
from webapp.models import User

ADMIN_PREFIX = "/admin"
MOD_PREFIXES = ("/mod/", "/c/<name>/mod/")
CONFIRM_PATH = "/admin/confirm-password"


@pytest.fixture
def world(make_user, content, db_session):
    """An admin, a community owned by its moderator, and a plain member."""
    admin_id = make_user("root")
    db_session.get(User, admin_id).is_admin = True
    moderator_id = make_user("moe")
    make_user("pat")
    community_id = content.community(moderator_id, "books", "Books")
    post_id = content.post(moderator_id, community_id, "A post")
    comment_id = content.comment(moderator_id, post_id, body="<p>A comment</p>")
    db_session.commit()
    return {"post": post_id, "comment": comment_id, "user": moderator_id}


_VARIABLE = re.compile(r"<(?:[^>]*:)?(\w+)>")
SAMPLES = {"name": "books", "username": "moe", "kind": "post"}


def _url(rule, ids) -> str:
    """A concrete URL for `rule`, with real names and ids where the rule takes them (an
    id argument gets the post's id unless its name says otherwise: comment_id …)."""

    def value(match: re.Match) -> str:
        argument = match.group(1)
        if argument in SAMPLES:
            return SAMPLES[argument]
        return str(ids.get(argument.removesuffix("_id"), ids["post"]))

    return _VARIABLE.sub(value, rule.rule)


def _rules(app, prefixes):
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(prefixes) and rule.endpoint != "static"
    ]
    assert rules, f"no routes under {prefixes}"
    return rules


def _request(client, rule, url):
    """GET the URL, or POST it with a valid CSRF token when the route takes only POST."""
    if "GET" in rule.methods:
        return client.get(url)
    home = client.get("/").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', home).group(1)  # every page has one
    return client.post(url, data={"csrf_token": token})


def _admin_rules(app):
    return [rule for rule in _rules(app, (ADMIN_PREFIX,)) if rule.rule != CONFIRM_PATH]


def test_every_admin_route_sends_guests_to_sign_in(app, client, world):
    for rule in _rules(app, (ADMIN_PREFIX,)):
        response = _request(client, rule, _url(rule, world))
        assert response.status_code in (302, 303), rule.rule
        assert response.headers["Location"].startswith("/auth/login"), rule.rule


def test_every_admin_route_refuses_people_who_are_not_admins(app, client, auth, world):
    auth.login("moe")  # a community's owner is still not a site admin
    for rule in _rules(app, (ADMIN_PREFIX,)):
        response = _request(client, rule, _url(rule, world))
        assert response.status_code == 403, rule.rule
        assert "Only site administrators can open the admin area." in response.get_data(
            as_text=True
        )


def test_admins_get_into_every_admin_page(app, client, auth, world):
    auth.login("root")
    for rule in _admin_rules(app):
        if "GET" not in rule.methods:
            continue
        response = client.get(_url(rule, world))
        assert response.status_code in (200, 302, 303, 404), rule.rule
        if response.status_code in (302, 303):
            assert not response.headers["Location"].startswith(("/auth/login", CONFIRM_PATH))


def test_every_moderator_route_refuses_guests_and_people_who_do_not_moderate(
    app, client, auth, world
):
    rules = _rules(app, MOD_PREFIXES)
    for rule in rules:
        response = _request(client, rule, _url(rule, world))
        assert response.status_code in (302, 303), rule.rule
        assert response.headers["Location"].startswith("/auth/login"), rule.rule
    auth.login("pat")
    for rule in rules:
        response = _request(client, rule, _url(rule, world))
        assert response.status_code == 403, rule.rule


def test_moderators_and_admins_get_into_the_moderator_pages(app, client, auth, world):
    for username in ("moe", "root"):
        auth.login(username)
        for rule in _rules(app, MOD_PREFIXES):
            if "GET" in rule.methods:
                response = client.get(_url(rule, world))
                assert response.status_code == 200, (username, rule.rule)
        auth.logout()


def test_a_moderator_page_of_a_missing_community_is_404(client, auth, world):
    auth.login("moe")
    assert client.get("/c/nowhere/mod/reports").status_code == 404


def _password_typed_minutes_ago(client, minutes: int) -> None:
    with client.session_transaction() as session:
        session["password_typed_at"] = int(time.time()) - minutes * 60


def test_an_admin_types_the_password_again_after_30_minutes(client, auth, world):
    auth.login("root")
    _password_typed_minutes_ago(client, 29)
    assert client.get("/admin/people?q=moe").status_code == 200
    _password_typed_minutes_ago(client, 31)
    response = client.get("/admin/people?q=moe")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/confirm-password?next=/admin/people?q%3Dmoe"

    page = client.get(response.headers["Location"])
    assert "Admin work needs your password once every 30 minutes." in page.get_data(as_text=True)
    wrong = submit(
        client,
        "/admin/confirm-password?next=/admin/people?q%3Dmoe",
        {"password": "not it", "next": "/admin/people?q=moe"},
        post_url=CONFIRM_PATH,
    )
    assert wrong.status_code == 422
    assert "That password is not correct." in wrong.get_data(as_text=True)
    assert client.get("/admin/people").status_code == 302  # still stale

    right = submit(
        client,
        CONFIRM_PATH,
        {"password": "correct horse battery", "next": "/admin/people?q=moe"},
    )
    assert right.status_code == 303
    assert right.headers["Location"] == "/admin/people?q=moe"
    assert client.get("/admin/people?q=moe").status_code == 200


def test_a_remembered_session_has_not_typed_the_password(client, auth, world):
    auth.login("root")
    with client.session_transaction() as session:
        del session["password_typed_at"]
    response = client.get("/admin/")
    assert response.headers["Location"].startswith(CONFIRM_PATH)


def test_the_confirm_page_goes_only_to_admin_pages(client, auth, world):
    auth.login("root")
    for target in ("https://evil.example/admin", "/settings/account", "//evil.example/"):
        response = submit(
            client, CONFIRM_PATH, {"password": "correct horse battery", "next": target}
        )
        assert response.headers["Location"] == "/admin/", target


def test_a_form_sent_after_30_minutes_is_carried_and_not_lost(client, auth, world):
    auth.login("root")
    page = client.get("/admin/settings").get_data(as_text=True)
    token = csrf_token_from(page)
    _password_typed_minutes_ago(client, 45)
    sent = {"csrf_token": token, "site_name": "Reading Room", "note": "two\nlines"}
    stale = client.post("/admin/settings", data=sent)
    assert stale.status_code == 401
    html = stale.get_data(as_text=True)
    assert "What you sent has not been done yet." in html
    assert 'name="carry-site_name" value="Reading Room"' in html
    assert 'name="carry-note" value="two\nlines"' in html
    assert 'name="carry-csrf_token"' not in html

    confirmed = client.post(
        CONFIRM_PATH,
        data={
            "csrf_token": csrf_token_from(html),
            "password": "correct horse battery",
            "next": "/admin/settings",
            "carry-site_name": "Reading Room",
            "carry-note": "two\nlines",
        },
    )
    assert confirmed.status_code == 200
    again = confirmed.get_data(as_text=True)
    assert '<form method="post" action="/admin/settings">' in again
    assert 'name="site_name" value="Reading Room"' in again
    assert 'name="note" value="two\nlines"' in again


def test_the_admin_link_and_report_count_show_only_to_those_who_can_use_them(client, auth, world):
    auth.login("pat")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/admin/"' not in html and "reports-link" not in html
    auth.logout()
    auth.login("moe")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/admin/"' not in html
    assert 'class="reports-link" href="/mod/reports"' in html
    auth.logout()
    auth.login("root")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/admin/"' in html
    assert 'class="reports-link" href="/admin/reports"' in html
