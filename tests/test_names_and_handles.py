"""Names on pages: a display name always comes with its @username, so that one person
cannot pass for another, and names and Latin examples inside a sentence or byline are
isolated (<bdi>) so that right-to-left pages keep them in their place."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from webapp.extensions import db
from webapp.models import User
from webapp.profiles.services import follow, update_profile
from webapp.unit_of_work import unit_of_work


def _named(app, user_id: int, display_name: str) -> None:
    with app.test_request_context(), unit_of_work():
        update_profile(
            db.session.get(User, user_id),
            display_name=display_name,
            first_name="",
            last_name="",
            bio="",
            website="",
        )


def _name_with_handle(name: str, username: str) -> re.Pattern:
    """The name, isolated, right before the isolated @username."""
    return re.compile(
        rf"<bdi>{re.escape(name)}</bdi></a>\s*"
        rf'<bdi class="handle" dir="ltr">@{re.escape(username)}</bdi>'
    )


@pytest.fixture
def impostor(app, make_user, content):
    """`mallory` calls herself "alice", the name of another member; she posts, comments,
    joins a community and follows the real alice."""
    alice = make_user("alice")
    mallory = make_user("mallory")
    _named(app, mallory, "alice")
    books = content.community(alice, "books", "Books")
    content.join(mallory, books)
    post = content.post(mallory, books, "Pick me")
    content.comment(mallory, post, body="<p>Trust me</p>")
    with app.test_request_context(), unit_of_work():
        follow(db.session.get(User, mallory), db.session.get(User, alice))
    return post


def test_a_display_name_shows_its_username_everywhere(client, impostor):
    shown = _name_with_handle("alice", "mallory")
    post_page = client.get(f"/p/{impostor}", follow_redirects=True).get_data(as_text=True)
    pages = {
        "feed": client.get("/all").get_data(as_text=True),
        "post byline, comment and author card": post_page,
        "members": client.get("/c/books/members").get_data(as_text=True),
        "followers": client.get("/u/alice/followers").get_data(as_text=True),
        "search": client.get("/search?q=mallory&type=people").get_data(as_text=True),
    }
    for where, html in pages.items():
        assert shown.search(html), f"no '@mallory' beside her display name on the {where}"
    assert len(shown.findall(post_page)) >= 3  # byline, author card, comment

    header = client.get("/u/mallory").get_data(as_text=True)
    assert re.search(
        r'<h1 id="profile-name"><bdi>alice</bdi></h1>\s*'
        r'<p class="muted"><bdi class="handle" dir="ltr">@mallory</bdi>',
        header,
    )


def test_a_name_inside_a_sentence_is_isolated(client, impostor):
    html = client.get("/u/mallory/following").get_data(as_text=True)
    assert re.search(r"<h1>[^<]*<bdi>alice</bdi>[^<]*</h1>", html), "heading"
    members = client.get("/c/books/members").get_data(as_text=True)
    assert re.search(r"<h1>[^<]*<bdi>Books</bdi>[^<]*</h1>", members)


def test_latin_examples_in_persian_hints_keep_their_order(app):
    """On a right-to-left page each run of Latin words in a hint is one isolated run,
    with the sentence's own punctuation left outside it."""
    template = '{% from "macros/forms.html" import bidi_text %}{{ bidi_text(text) }}'
    text = "با http://example.org یا /c/name شروع شود، مثلاً books, sci-fi. و <b>"
    with app.test_request_context("/", headers={"Cookie": "lang=fa"}):
        html = render_template_string(template, text=text)
        # A list of Latin items in Persian: each item is a run, so the list reads from
        # the right; the Arabic commas and the parentheses stay in the sentence.
        listed = render_template_string(template, text="JPEG، PNG یا (_)؛ WebP")
    assert html == (
        'با <bdi dir="ltr">http://example.org</bdi> یا <bdi dir="ltr">/c/name</bdi> شروع شود، '
        'مثلاً <bdi dir="ltr">books, sci-fi</bdi>. و <bdi dir="ltr">&lt;b&gt;</bdi>'
    )
    assert listed == (
        '<bdi dir="ltr">JPEG</bdi>، <bdi dir="ltr">PNG</bdi> یا (_)؛ <bdi dir="ltr">WebP</bdi>'
    )
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert render_template_string(template, text="See http://x.") == "See http://x."


def test_persian_settings_isolate_the_web_address_example(client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    client.set_cookie("lang", "fa")
    html = client.get("/settings/profile").get_data(as_text=True)
    hint = re.search(r'<p class="field__hint" id="website-hint">(.*?)</p>', html).group(1)
    assert '<bdi dir="ltr">http://</bdi>' in hint and '<bdi dir="ltr">https://</bdi>' in hint
