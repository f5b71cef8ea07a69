"""Hostile and odd input never becomes a 500, on either engine."""

from __future__ import annotations

import re

import pytest

from tests.support.content import Post
from tests.support.forms import submit


@pytest.fixture
def site(make_user, content):
    alice = make_user("alice")
    community = content.community(alice)
    for index in range(30):
        content.post(alice, community, f"Post {index}")
    return {"alice": alice, "community": community}


@pytest.mark.parametrize(
    "path",
    [
        "/p/99999999999999999999999999999",
        "/p/2147483648",
        "/p/9999999999/slug",
        "/p/99999999999/edit",
        "/comments/99999999999999999/reply",
        "/p/1/post-0?thread=99999999999999999999",
        "/p/1/post-0?thread=²",
        "/p/1/post-0?thread=-5",
        "/u/" + "x" * 300,
        "/t/" + "y" * 300,
    ],
)
def test_odd_ids_and_names_are_404s(client, site, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path", ["/c/a%00b", "/t/a%00b", "/?sort=new%00", "/search?q=%00", "/u/a%00"]
)
def test_nul_bytes_in_urls_are_a_400(client, path):
    assert client.get(path).status_code == 400


def test_nul_bytes_in_forms_are_a_400(client, auth, site):
    assert auth.login("al\x00ice").status_code == 400
    auth.login("alice")
    response = submit(
        client, "/c/books/submit", {"title": "Hi\x00", "body": "x", "body_format": "text"}
    )
    assert response.status_code == 400


def test_a_cursor_from_another_list_reads_as_the_first_page(client, site, content):
    for index in range(55):
        content.community(site["alice"], f"extra_{index}", f"Extra {index}")
    members = client.get("/c/?sort=members").get_data(as_text=True)
    cursor = re.search(r"cursor=([^\"&]+)", members).group(1)
    for path in (
        "/c/?sort=new&cursor=",
        "/?sort=new&cursor=",
        "/c/books?cursor=",
        "/c/books/members?cursor=",
        "/tags?cursor=",
        "/c/books/log?cursor=",
    ):
        assert client.get(path + cursor).status_code == 200, path
    new_page = client.get("/?sort=new").get_data(as_text=True)
    new_cursor = re.search(r"cursor=([^\"&]+)", new_page).group(1)
    assert client.get("/c/?sort=members&cursor=" + new_cursor).status_code == 200


def test_pages_with_partials_vary_on_hx_request(client, site):
    for path in ("/", "/all", "/c/", "/c/books", "/c/books/members", "/t/none", "/tags"):
        response = client.get(path)
        if response.status_code == 200:
            assert "HX-Request" in response.headers.get("Vary", ""), path


# -- Every GET route of the URL map, attacked --------------------------------------------
#
# The routes come from `app.url_map`, so a route added later is attacked too; a route
# whose path argument has no sample value below fails with a message saying so.

FOREIGN_HOST = "evil.example"
OVERLONG_HOST = "a" * 300
# Query keys pages read; the keys pages declare they carry are added from the URL map.
COMMON_QUERY_KEYS = ("sort", "t", "cursor", "page", "q", "type", "tab", "thread", "tags", "next")
HUGE = "9" * 40


@pytest.fixture
def world(make_user, content, app):
    """A small site: alice owns a community, wrote a tagged post and commented on it."""
    alice = make_user("alice")
    make_user("bob")
    community = content.community(alice)
    post_id = content.post(alice, community, "A post about books", tags=["fiction"])
    comment_id = content.comment(alice, post_id)
    with app.app_context():
        slug = content.reload(Post, post_id).slug
    return {
        "name": "books",
        "username": "alice",
        "post_id": str(post_id),
        "slug": slug,
        "comment_id": str(comment_id),
        "filename": "nothing-here.png",
        "device_id": "1",
        "token_id": "1",
        "kind": "post",
        "target_id": str(post_id),
        "item_id": str(post_id),
        "token": "not-a-real-token",
        "number": "0",
    }


# Where one argument name means different things on different routes.
SAMPLE_OVERRIDES = {
    ("tags.tag", "name"): "fiction",
    ("syndication.tag", "name"): "fiction",
    ("static", "filename"): "css/quorum.css",
}
_VARIABLE = re.compile(r"<(?:[^>]*:)?(\w+)>")


def get_rules(app):
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.rule.startswith("/_test/")
        ),
        key=lambda rule: rule.rule,
    )


def path_of(rule, world, **hostile: str) -> str:
    """The rule's path with sample values, or the (already URL-encoded) `hostile` ones."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name in hostile:
            return hostile[name]
        sample = SAMPLE_OVERRIDES.get((rule.endpoint, name), world.get(name))
        assert sample is not None, (
            f"no sample value for <{name}> of {rule.rule}: add one to world() in {__name__}"
        )
        return sample

    return _VARIABLE.sub(value, rule.rule)


def query_keys(app) -> list[str]:
    from webapp.urls import declared_query_keys

    with app.app_context():
        declared = {key for rule in get_rules(app) for key in declared_query_keys(rule.endpoint)}
    return sorted(declared | set(COMMON_QUERY_KEYS))


def attack(client, url: str, headers: dict | None = None, hosts=(FOREIGN_HOST,)) -> str | None:
    """What went wrong with one request (a 500, an exception, a link to a foreign or
    broken host), or None."""
    try:
        response = client.get(url, headers=headers or {})
    except Exception as error:  # TESTING propagates exceptions: each one is a 500
        return f"{url} {headers or ''}: raised {type(error).__name__}: {error}"
    if response.status_code >= 500:
        return f"{url} {headers or ''}: {response.status_code}"
    # Binary answers (a zip download) are read as Latin-1: every byte maps to a character.
    seen = response.get_data().decode("latin-1") + response.headers.get("Location", "")
    for host in hosts:
        if host in seen:
            return f"{url} {headers or ''}: the answer names the host {host[:20]}…"
    return None


def attack_every_route(app, client, requests) -> list[str]:
    """Run `requests(rule)` (pairs of url and headers) for every GET route."""
    problems = []
    for rule in get_rules(app):
        for url, headers in requests(rule):
            problem = attack(client, url, headers, hosts=(FOREIGN_HOST, OVERLONG_HOST[:60]))
            if problem:
                problems.append(problem)
    return problems


def as_guest_and_as_alice(auth, check) -> None:
    check("guest")
    auth.login("alice")
    check("alice")


def test_query_keys_that_url_for_reads_change_no_link(app, client, auth, world):
    """`_method`, `_external`, `_scheme`, `_anchor` and the routes' own argument names in
    a query string: no 500, and no link to the (forged) host the request named."""
    argument_names = sorted({name for rule in app.url_map.iter_rules() for name in rule.arguments})

    def requests(rule):
        path = path_of(rule, world)
        yield f"{path}?_method=POST", {"Host": FOREIGN_HOST}
        yield f"{path}?_external=1&_scheme=https&_anchor=x", {"Host": FOREIGN_HOST}
        every_name = "&".join(f"{name}=x" for name in argument_names)
        yield f"{path}?{every_name}&_external=1", {"Host": FOREIGN_HOST}
        yield f"{path}?cursor=x&_method=POST&{every_name}", {"HX-Request": "true"}

    def check(who):
        assert attack_every_route(app, client, requests) == [], who

    as_guest_and_as_alice(auth, check)


def test_odd_hosts_are_a_400_or_ignored(app, client, world, monkeypatch):
    """An overlong or malformed Host is a 400 (not a 500 from building a URL); with
    TRUSTED_HOSTS set, any other host is a 400 too."""

    def requests(rule):
        path = path_of(rule, world)
        for host in (OVERLONG_HOST, "a..b", "." + "b" * 64 + ".example", "evil.example:99999"):
            yield path, {"Host": host}
        yield f"{path}?_external=1", {"Host": "x" * 70 + ".example"}

    assert attack_every_route(app, client, requests) == []
    for host in (OVERLONG_HOST, "a..b"):
        assert client.get("/", headers={"Host": host}).status_code == 400
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["localhost"])
    assert client.get("/").status_code == 200
    for rule in get_rules(app):
        response = client.get(path_of(rule, world), headers={"Host": FOREIGN_HOST})
        assert response.status_code == 400, rule.rule
        assert FOREIGN_HOST not in response.get_data(as_text=True), rule.rule


def test_nul_bytes_invalid_utf8_and_huge_numbers_are_no_500(app, client, auth, world):
    """In every query key pages read (keys and values) and in every path argument."""
    keys = query_keys(app)

    def requests(rule):
        path = path_of(rule, world)
        for junk in ("%00", "%ff%c3%28", HUGE, "-" + HUGE):
            yield path + "?" + "&".join(f"{key}={junk}" for key in keys), {}
        yield path + "?%ff=1&%00=1", {}
        for name in rule.arguments:
            for junk in ("%00", "%ff", HUGE, "x" * 300):
                yield path_of(rule, world, **{name: junk}), {}

    def check(who):
        assert attack_every_route(app, client, requests) == [], who

    as_guest_and_as_alice(auth, check)


@pytest.mark.parametrize(
    "path",
    [
        "/all?_method=POST",
        "/?_method=POST",
        "/c/books?name=x",
        "/search?q=a&_method=POST",
        "/u/ALICE?username=x",
        "/u/alice?_method=POST",
    ],
)
def test_the_reported_query_strings_answer_normally(client, site, path):
    response = client.get(path)
    assert response.status_code in (200, 301)


@pytest.mark.parametrize("key", ["_external=1", "_scheme=https"])
def test_a_forged_host_makes_no_absolute_link(client, site, key):
    html = client.get(f"/?{key}", headers={"Host": FOREIGN_HOST}).get_data(as_text=True)
    assert 'href="/?cursor=' in html and FOREIGN_HOST not in html


def test_links_carry_only_the_query_keys_a_page_declares(client, site):
    html = client.get("/all?sort=top&t=all&name=x&junk=1&tab=x").get_data(as_text=True)
    more = re.search(r'<a href="(/all\?[^"]*cursor=[^"]+)"', html).group(1).replace("&amp;", "&")
    query = dict(part.split("=", 1) for part in more.split("?", 1)[1].split("&"))
    assert set(query) == {"sort", "t", "cursor"} and query["sort"] == "top"


def test_a_profile_redirect_keeps_only_known_keys(client, site):
    response = client.get("/u/ALICE?tab=comments&_external=1&username=bob&x=1")
    assert response.status_code == 301
    assert response.headers["Location"] == "/u/alice?tab=comments"
