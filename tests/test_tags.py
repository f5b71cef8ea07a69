"""Tags: names in every script (parsing, refusals, URLs), tag pages, the directory and
suggestions while typing."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tests.support.forms import submit
from webapp.extensions import db
from webapp.models import Post, Tag
from webapp.tags.services import TagError, normalize_tag, parse_tags

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Python", "python"),
        ("#Machine Learning", "machine-learning"),
        ("sci_fi", "sci-fi"),
        ("--x--", "x"),
        ("node.js", "node-js"),
        ("Bücher", "bücher"),
        ("BÜCHER", "bücher"),
        ("bu\u0308cher", "bücher"),  # decomposed ü: NFKC composes it
        ("Straße", "strasse"),  # case folding, not just lowercasing
        ("ＴＯＫＹＯ　２０２４", "tokyo-2024"),  # fullwidth letters and space: NFKC
        ("شعر", "شعر"),
        ("#شعر", "شعر"),
        (f"می{ZWNJ}خوانم", f"می{ZWNJ}خوانم"),  # the ZWNJ inside a Persian word stays
        (f"{ZWNJ}شعر{ZWNJ}", "شعر"),  # at the ends it joins nothing
        (f"book{ZWNJ}s", "books"),  # between Latin letters it only makes a look-alike
        ("\u200fشعر فارسی\u200f", "شعر-فارسی"),  # bidi marks are invisible, not letters
        ("東京", "東京"),
        ("हिन्दी", "हिन्दी"),  # vowel signs and virama are marks on their letters
        ("Ελληνικά", "ελληνικά"),
        ("Москва 2024", "москва-2024"),
        ("rock 'n' roll", "rock-n-roll"),
        ("a — b", "a-b"),
    ],
)
def test_tags_are_normalized_in_every_script(raw, expected):
    assert normalize_tag(raw) == expected


def test_every_script_comma_separates_tags():
    assert parse_tags("bücher, شعر، 東京、日本，fiction") == [
        "bücher",
        "شعر",
        "東京",
        "日本",
        "fiction",
    ]
    assert parse_tags("Books, books, #BOOKS, sci fi, BÜCHER, bücher") == [
        "books",
        "sci-fi",
        "bücher",
    ]
    assert parse_tags("") == [] and parse_tags(" , ,،") == [] and parse_tags(None) == []
    assert parse_tags(["Bücher", "شعر"]) == ["bücher", "شعر"]  # a list: one name per item


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("c++", "“c++” cannot be a tag: use letters, digits and hyphens, not “+”."),
        ("!!!", "“!!!” cannot be a tag: use letters, digits and hyphens, not “!”."),
        ("c#", "“c#” cannot be a tag: use letters, digits and hyphens, not “#”."),
        ("fish & chips", "“fish & chips” cannot be a tag"),
        ("🙂", "“🙂” cannot be a tag"),
        ("x" * 31, "is too long. A tag has at most 30 characters."),
        ("ک" * 31, "is too long. A tag has at most 30 characters."),
        ("می\u200cخوانم-" * 4, "is too long. A tag has at most 30 characters."),
    ],
)
def test_refused_tags_are_named_in_the_message(app, typed, shown):
    with app.test_request_context(), pytest.raises(TagError) as refused:
        parse_tags(f"books, {typed}")
    message = str(refused.value.message)
    assert shown in message and refused.value.field == "tags"
    assert message.startswith("“" + typed[:10])


def test_too_many_tags_are_refused(app):
    with app.test_request_context(), pytest.raises(TagError):
        parse_tags("a,b,c,d,e,f")
    with app.test_request_context(), pytest.raises(TagError):
        parse_tags("الف، ب، پ، ت، ث، ج")
    assert len(parse_tags("a, A, a, b, c, d, e")) == 5


@pytest.fixture
def tagged(make_user, content):
    alice = make_user("alice")
    community = content.community(alice)
    content.post(alice, community, "Dune again", tags=["sci-fi", "classics"])
    content.post(alice, community, "Foundation", tags=["sci-fi"])
    content.post(alice, community, "Middlemarch", tags=["classics", "victorian"])
    content.post(alice, community, "Hafez", tags=["شعر", "شعر-فارسی"])
    content.post(alice, community, "Rilke", tags=["bücher"])


def test_tag_page_lists_its_posts(client, tagged):
    html = client.get("/t/sci-fi").get_data(as_text=True)
    assert "Dune again" in html and "Foundation" in html and "Middlemarch" not in html
    assert "2 posts" in html
    assert client.get("/t/SCI-FI").status_code == 200
    assert client.get("/t/nope").status_code == 404


def test_tag_urls_in_every_script_round_trip(app, client, tagged):
    with app.test_request_context():
        assert url_for("tags.tag", name="bücher") == "/t/b%C3%BCcher"
        persian = url_for("tags.tag", name="شعر")
        assert persian == "/t/%D8%B4%D8%B9%D8%B1"
        assert url_for("tags.tag", name="Bücher") == "/t/b%C3%BCcher"  # the canonical name
    for path in (persian, "/t/شعر", "/t/%23%D8%B4%D8%B9%D8%B1"):
        html = client.get(path).get_data(as_text=True)
        assert "Hafez" in html and "Rilke" not in html, path
    for path in ("/t/bücher", "/t/B%C3%9CCHER", "/t/bu%CC%88cher"):
        html = client.get(path).get_data(as_text=True)
        assert "Rilke" in html and "Hafez" not in html, path
    assert client.get("/t/c++").status_code == 404
    assert client.get("/t/" + "ک" * 31).status_code == 404


def test_tag_links_on_a_post_lead_to_the_tag_pages(client, tagged):
    post = db.session.scalar(select(Post).where(Post.title == "Hafez"))
    html = client.get(f"/p/{post.id}").headers["Location"]
    page = client.get(html).get_data(as_text=True)
    assert 'href="/t/%D8%B4%D8%B9%D8%B1"' in page and "#شعر" in page


def test_tag_directory_lists_tags_by_use(client, tagged):
    html = client.get("/tags").get_data(as_text=True)
    assert html.index("#sci-fi") < html.index("#victorian")
    assert html.index("#classics") < html.index("#victorian")
    assert "#شعر" in html and "#bücher" in html


def test_suggestions_complete_the_last_tag(client, tagged):
    html = client.get("/tags/suggest", query_string={"tags": "Books, sc"}).get_data(as_text=True)
    assert '<option value="Books, sci-fi">' in html
    assert "classics" not in html
    html = client.get("/tags/suggest", query_string={"tags": "c"}).get_data(as_text=True)
    assert '<option value="classics">' in html
    assert client.get("/tags/suggest", query_string={"tags": "%_"}).status_code == 200


def test_suggestions_work_for_non_latin_prefixes(client, tagged):
    html = client.get("/tags/suggest", query_string={"tags": "ش"}).get_data(as_text=True)
    assert '<option value="شعر">' in html and '<option value="شعر-فارسی">' in html
    html = client.get("/tags/suggest", query_string={"tags": "bücher، شع"}).get_data(as_text=True)
    assert '<option value="bücher، شعر">' in html  # what was typed stays as typed
    html = client.get("/tags/suggest", query_string={"tags": "شعر، شع"}).get_data(as_text=True)
    assert '<option value="شعر، شعر-فارسی">' in html and "شعر، شعر<" not in html
    html = client.get("/tags/suggest", query_string={"tags": "BÜ"}).get_data(as_text=True)
    assert '<option value="bücher">' in html


@pytest.fixture
def writer(make_user, content, auth):
    alice = make_user("alice")
    content.community(alice, "books")
    auth.login("alice")


def write(client, tags: str):
    data = {"title": "Poems", "body": "", "body_format": "text", "url": "", "tags": tags}
    return submit(client, "/c/books/submit", data)


def test_a_post_with_tags_in_three_scripts_stores_exactly_those(client, writer):
    response = write(client, "bücher, شعر، 東京")
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    post = db.session.scalar(select(Post).options(selectinload(Post.tags)))
    assert sorted(tag.name for tag in post.tags) == ["bücher", "شعر", "東京"]
    counts = dict(db.session.execute(select(Tag.name, Tag.post_count)).all())
    assert counts == {"bücher": 1, "شعر": 1, "東京": 1}
    for path in ("/t/bücher", "/t/شعر", "/t/東京"):
        assert "Poems" in client.get(path).get_data(as_text=True), path


def test_a_refused_tag_re_renders_the_form_with_its_message(client, writer):
    response = write(client, "bücher, c++, شعر")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“c++” cannot be a tag: use letters, digits and hyphens, not “+”." in html
    assert 'value="bücher, c++, شعر"' in html
    assert db.session.scalar(select(Post)) is None and db.session.scalar(select(Tag)) is None
