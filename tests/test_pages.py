"""The base page, error pages, security headers, health, language and the home feed."""

from __future__ import annotations

import re

import pytest

from tests.support.forms import submit


def test_home_page_has_landmarks_skip_link_and_language_menu(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr" data-theme="auto">' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<header" in html and "<footer" in html and 'aria-label="Main"' in html
    assert 'name="language"' in html and ">English</option>" in html


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/", "/auth/login", "/auth/register", "/nowhere"])
def test_no_page_has_an_inline_script_or_style(client, path):
    html = client.get(path).get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_htmx_is_vendored_and_configured_without_eval(client):
    html = client.get("/").get_data(as_text=True)
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_unknown_page_is_a_404_with_the_site_chrome(client):
    response = client.get("/no/such/page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html and 'class="site-header"' in html


def test_wrong_method_is_a_405_page_with_allow_header(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "Not allowed here" in response.get_data(as_text=True)


def test_server_error_is_a_500_page_with_the_site_chrome(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get("/_test/server-error")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and 'class="site-footer"' in html


def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "rate_limits": "ok"},
        "warnings": [],
    }


@pytest.mark.parametrize(
    "header", ["", "xx-invalid;;q=abc", "*", "e" * 500, "zh-CN;q=1.5", ";;;,,,"]
)
def test_odd_accept_language_headers_fall_back_to_english(client, header):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert '<html lang="en"' in response.get_data(as_text=True)


def test_language_menu_sets_a_cookie_and_returns_to_the_page(client):
    response = submit(client, "/", {"language": "en", "next": "/auth/login"}, post_url="/language")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert any(c.startswith("lang=en") for c in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("language", ["xx", "", "en;drop table", "e" * 100])
def test_language_menu_rejects_unknown_languages(client, language):
    response = submit(client, "/", {"language": language}, post_url="/language")
    assert response.status_code == 400


def test_language_menu_never_redirects_off_site(client):
    response = submit(
        client, "/", {"language": "en", "next": "https://evil.example/"}, post_url="/language"
    )
    assert response.headers["Location"] == "/"


# The home feed -------------------------------------------------------------------


@pytest.fixture
def seeded(app, db_session):
    from webapp.demo import seed_demo

    with app.test_request_context():
        return seed_demo(extra_posts=40)


def test_home_feed_shows_the_demo_posts_newest_first(client, seeded):
    html = client.get("/?sort=new").get_data(as_text=True)
    titles = re.findall(r'class="post-card__title"[^>]*>\s*(?:<a [^>]*>)?([^<]+?)\s*<', html)
    assert titles[0] == "What book made you fall in love with reading again?"
    assert len(titles) == 25
    assert "Books &amp; Reading" in html and "#recommendations" in html


def test_home_feed_pages_with_an_opaque_cursor_and_no_repeats(client, seeded):
    seen: list[str] = []
    url = "/"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += re.findall(r'id="post-(\d+)-title"', html)
        more = re.search(r'<a href="(/\?cursor=[^"]+)"', html)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert len(seen) == seeded["posts"] == len(set(seen))


def test_home_feed_next_page_is_a_fragment_for_htmx(client, seeded):
    first = client.get("/").get_data(as_text=True)
    cursor_url = re.search(r'hx-get="(/\?cursor=[^"]+)"', first).group(1)
    response = client.get(cursor_url, headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and 'class="post-card"' in fragment
    assert "HX-Request" in response.headers["Vary"]
    restore = client.get(
        cursor_url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.get_data(as_text=True)


@pytest.mark.parametrize("cursor", ["garbage", "a" * 600, "W10.bad-signature", "%00"])
def test_tampered_cursor_shows_the_first_page(client, seeded, cursor):
    response = client.get("/", query_string={"cursor": cursor})
    assert response.status_code == 200
    assert "What book made you fall in love with reading again?" in response.get_data(as_text=True)


def test_home_feed_costs_the_same_statements_for_5_or_25_posts(
    app, client, count_statements, seeded
):
    client.get("/")  # warm up: first-request work is not what we measure
    with count_statements() as full_page:
        assert client.get("/").status_code == 200
    app.config["FEED_PAGE_SIZE"] = 5
    try:
        with count_statements() as small_page:
            html = client.get("/").get_data(as_text=True)
    finally:
        app.config["FEED_PAGE_SIZE"] = 25
    assert html.count('class="post-card"') == 5
    assert full_page.count == small_page.count <= 3, full_page.statements


def test_signed_in_page_loads_user_and_profile_in_one_statement(
    client, auth, make_user, count_statements
):
    make_user("bob")
    auth.login("bob")
    with count_statements() as counter:
        client.get("/auth/register")  # redirects for a signed-in user: only the user load
    assert counter.count == 1, counter.statements
