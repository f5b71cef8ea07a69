"""Tags: normalization, tag pages, the directory and suggestions while typing."""

from __future__ import annotations

import pytest

from webapp.tags.services import TagError, normalize_tag, parse_tags


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Python", "python"),
        ("#Machine Learning", "machine-learning"),
        (" c++ ", "c"),
        ("sci_fi", "sci-fi"),
        ("--x--", "x"),
        ("!!!", ""),
    ],
)
def test_tags_are_normalized(raw, expected):
    assert normalize_tag(raw) == expected


def test_parse_tags_dedupes_and_limits():
    assert parse_tags("Books, books, #BOOKS, sci fi") == ["books", "sci-fi"]
    assert parse_tags("") == [] and parse_tags(" , ,") == []
    with pytest.raises(TagError):
        parse_tags("a,b,c,d,e,f")


@pytest.fixture
def tagged(make_user, content):
    alice = make_user("alice")
    community = content.community(alice)
    content.post(alice, community, "Dune again", tags=["sci-fi", "classics"])
    content.post(alice, community, "Foundation", tags=["sci-fi"])
    content.post(alice, community, "Middlemarch", tags=["classics", "victorian"])


def test_tag_page_lists_its_posts(client, tagged):
    html = client.get("/t/sci-fi").get_data(as_text=True)
    assert "Dune again" in html and "Foundation" in html and "Middlemarch" not in html
    assert "2 posts" in html
    assert client.get("/t/SCI-FI").status_code == 200
    assert client.get("/t/nope").status_code == 404


def test_tag_directory_lists_tags_by_use(client, tagged):
    html = client.get("/tags").get_data(as_text=True)
    assert html.index("#sci-fi") < html.index("#victorian")
    assert html.index("#classics") < html.index("#victorian")


def test_suggestions_complete_the_last_tag(client, tagged):
    html = client.get("/tags/suggest", query_string={"tags": "Books, sc"}).get_data(as_text=True)
    assert '<option value="Books, sci-fi">' in html
    assert "classics" not in html
    html = client.get("/tags/suggest", query_string={"tags": "c"}).get_data(as_text=True)
    assert '<option value="classics">' in html
    assert client.get("/tags/suggest", query_string={"tags": "%_"}).status_code == 200
