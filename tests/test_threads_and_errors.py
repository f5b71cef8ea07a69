"""Threads that fold (a <details> per comment with replies, counting what it hides), the
visible error state of fields, and a 429 page that says how long to wait."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.support.forms import submit
from webapp.error_pages import render_error
from webapp.extensions import limiter


@pytest.fixture
def thread(make_user, content):
    """top ─┬─ first ── nested
    └─ second            and a lone comment without replies."""
    alice, bob = make_user("alice"), make_user("bob")
    community = content.community(alice)
    post = content.post(alice, community, "Talk")
    top = content.comment(bob, post, body="<p>top</p>")
    first = content.comment(alice, post, top, body="<p>first</p>")
    nested = content.comment(bob, post, first, body="<p>nested</p>")
    second = content.comment(alice, post, top, body="<p>second</p>")
    lone = content.comment(alice, post, body="<p>lone</p>")
    return {
        "post": post,
        "top": top,
        "first": first,
        "nested": nested,
        "second": second,
        "lone": lone,
        "alice": alice,
        "bob": bob,
    }


class Tree(HTMLParser):
    """The page as nested elements: enough to ask what is inside what."""

    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, html: str):
        super().__init__()
        self.root: dict = {"tag": "", "attrs": {}, "children": [], "text": ""}
        self.stack = [self.root]
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "children": [], "text": ""}
        self.stack[-1]["children"].append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index]["tag"] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        for element in self.stack:
            element["text"] += data

    def find(self, test, start=None) -> list[dict]:
        found, todo = [], [start or self.root]
        while todo:
            element = todo.pop(0)
            if element is not (start or self.root) and test(element):
                found.append(element)
            todo.extend(element["children"])
        return found

    def by_id(self, element_id: str) -> dict:
        (element,) = self.find(lambda e: e["attrs"].get("id") == element_id)
        return element


def own(tree: Tree, comment: dict, tag: str) -> list[dict]:
    """`comment`'s own <tag> children (not those of its replies)."""
    return [child for child in comment["children"] if child["tag"] == tag]


def words(text: str) -> str:
    return " ".join(text.split())


def test_comments_with_replies_fold_under_details_that_count_every_reply(client, thread):
    tree = Tree(client.get(f"/p/{thread['post']}/talk").get_data(as_text=True))
    top = tree.by_id(f"comment-{thread['top']}")
    (details,) = own(tree, top, "details")
    assert "open" in details["attrs"]  # open at first: nothing is hidden until asked
    (summary,) = own(tree, details, "summary")
    hide, show = summary["children"]
    # nested replies count too: first, second and the reply to first
    assert words(hide["text"]) == "Hide replies (3)"
    assert words(show["text"]) == "Show 3 replies"
    assert {hide["attrs"]["class"], show["attrs"]["class"]} == {"thread__hide", "thread__show"}
    # the replies themselves are what the details holds
    inside = tree.find(lambda e: e["attrs"].get("id", "").startswith("comment-"), details)
    assert {e["attrs"]["id"] for e in inside} == {
        f"comment-{thread[key]}" for key in ("first", "nested", "second")
    }

    first = tree.by_id(f"comment-{thread['first']}")
    (first_details,) = own(tree, first, "details")
    (first_summary,) = own(tree, first_details, "summary")
    assert words(first_summary["text"]) == "Hide reply (1) Show 1 reply"

    for key in ("second", "nested", "lone"):  # no replies, nothing to fold
        assert own(tree, tree.by_id(f"comment-{thread[key]}"), "details") == []


def test_a_new_reply_lands_where_no_collapsed_thread_hides_it(client, auth, thread):
    """htmx adds a reply to #replies-<id> (afterbegin): that list sits beside the
    <details>, not in it, so a reply written under a folded thread is seen at once."""
    tree = Tree(client.get(f"/p/{thread['post']}/talk").get_data(as_text=True))
    for key in ("top", "first", "second", "lone"):
        comment = tree.by_id(f"comment-{thread[key]}")
        target = tree.by_id(f"replies-{thread[key]}")
        assert target in own(tree, comment, "ol")
        for details in tree.find(lambda e: e["tag"] == "details", comment):
            assert target not in tree.find(lambda e: True, details)
    auth.login("bob")
    fragment = client.get(f"/comments/{thread['top']}/reply", headers={"HX-Request": "true"})
    assert f'hx-target="#replies-{thread["top"]}"' in fragment.get_data(as_text=True)
    created = submit(
        client,
        f"/p/{thread['post']}/talk",
        {"body": "In-line reply", "parent_id": str(thread["top"])},
        post_url=f"/p/{thread['post']}/comments",
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert "In-line reply" in created and "<details" not in created  # no replies yet
    page = client.get(f"/p/{thread['post']}/talk").get_data(as_text=True)
    assert "Hide replies (4)" in page


def test_replies_beyond_the_visible_depth_count_in_the_toggle(client, thread, content):
    parent = thread["nested"]  # depth 2
    for depth in range(3, 12):
        parent = content.comment(thread["bob"], thread["post"], parent, body=f"<p>d{depth}</p>")
    page = client.get(f"/p/{thread['post']}/talk").get_data(as_text=True)
    # 3 + 9 deeper replies, of which those past eight levels are behind "Continue"
    assert "Hide replies (12)" in page and "Show 12 replies" in page
    assert "Continue this thread" in page


def test_folding_costs_no_statement_per_comment(client, thread, content, count_statements):
    client.get(f"/p/{thread['post']}/talk")
    with count_statements() as few:
        client.get(f"/p/{thread['post']}/talk")
    parent = thread["second"]
    for _ in range(30):
        parent = content.comment(thread["bob"], thread["post"], parent, body="<p>more</p>")
        content.comment(thread["alice"], thread["post"], thread["top"], body="<p>wide</p>")
    client.get(f"/p/{thread['post']}/talk")
    with count_statements() as many:
        html = client.get(f"/p/{thread['post']}/talk").get_data(as_text=True)
    assert "Hide replies (63)" in html
    assert many.count == few.count, many.statements


# --- fields in error --------------------------------------------------------------------

NOT_BOXES = ':not([type="checkbox"], [type="radio"], [type="file"])'


def stylesheet(client) -> str:
    response = client.get("/static/css/quorum.css")
    text = response.get_data(as_text=True)
    response.close()
    return text


def rules_for(css: str, selector: str) -> str:
    """The declarations of every rule whose selector list names `selector`."""
    found = []
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        names = [name.strip() for name in re.split(r",(?![^()]*\))", selectors)]
        if selector in names:
            found.append(body)
    return " ".join(found)


def test_fields_in_error_are_marked_and_styled_beyond_red_text(client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    page = submit(client, "/c/new", {"name": "No!", "title": "", "description": "", "rules": ""})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    name_input = re.search(r'<input[^>]*id="name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in name_input
    assert 'aria-describedby="' in name_input and "name-error" in name_input
    assert re.search(r'<div class="field field--error">\s*<label for="name"', html)

    css = stylesheet(client)
    invalid = ':is(input, textarea, select)[aria-invalid="true"]' + NOT_BOXES
    assert "border-color: var(--color-danger)" in rules_for(css, invalid)
    icon = rules_for(
        css,
        ':is(input, textarea)[aria-invalid="true"]' + NOT_BOXES,
    )
    assert "background-image: var(--icon-error)" in icon
    assert "data:image/svg+xml" in rules_for(css, ":root")
    # the rich-text editor has no aria-invalid of its own: its field's class marks it
    assert "border-color: var(--color-danger)" in rules_for(
        css, ".field--error .ql-container.ql-snow"
    )
    assert "var(--icon-error)" in rules_for(css, ".field__errors li::before")


def test_an_empty_comment_is_marked_invalid(client, auth, make_user, content):
    alice = make_user("alice")
    post = content.post(alice, content.community(alice), "Talk")
    auth.login("alice")
    page = submit(client, f"/p/{post}/talk", {"body": ""}, post_url=f"/p/{post}/comments").get_data(
        as_text=True
    )
    assert re.search(r'<div class="field field--error">\s*<label for="comment-body"', page)
    textarea = re.search(r"<textarea[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in textarea and 'aria-describedby="comment-body-error"' in textarea


# --- the 429 page -----------------------------------------------------------------------


@pytest.fixture
def login_limit(app):
    """Sign-in attempts limited to two a minute (from a clean budget)."""
    limiter.reset()
    saved = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    yield
    app.config["LOGIN_RATE_LIMIT"] = saved
    limiter.reset()


def sign_in_attempts(client, count: int, language: str = "en"):
    fields = {"identifier": "alice", "password": "not the password"}
    headers = {"Accept-Language": language}
    return [submit(client, "/auth/login", fields, headers=headers) for _ in range(count)]


def test_the_429_page_says_how_long_to_wait(client, make_user, login_limit):
    make_user("alice")
    *earlier, refused = sign_in_attempts(client, 3)
    assert [answer.status_code for answer in earlier] == [422, 422]
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Slow down" in html
    seconds = int(refused.headers["Retry-After"])
    assert 0 < seconds <= 60
    said = re.search(r"Please try again in (\d+) seconds?\.", html)
    assert said, html
    assert abs(int(said.group(1)) - seconds) <= 1  # the page and the header agree


def test_the_429_page_waits_in_minutes_and_in_the_readers_language(
    app, client, make_user, login_limit
):
    make_user("alice")
    app.config["LOGIN_RATE_LIMIT"] = "2 per hour"
    refused = sign_in_attempts(client, 3)[-1]
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert re.search(r"Please try again in (59|60) minutes\.", html), html
    limiter.reset()
    persian = sign_in_attempts(client, 3, "fa")[-1]
    assert persian.status_code == 429
    # Persian digits and words: "۶۰ دقیقه بعد" (in 60 minutes)
    assert re.search("[۵۶][۰۹] دقیقه بعد", persian.get_data(as_text=True))


def test_a_429_without_a_known_limit_keeps_the_general_advice(app, db_session):
    with app.test_request_context("/"):
        body, status = render_error(429)
    assert status == 429 and "Please wait a little and try again." in body
