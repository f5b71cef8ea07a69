"""Keyset cursors: short, opaque, signed; a bad one reads as the first page."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Community, Post
from webapp.pagination import SortKey, decode_cursor, encode_cursor

NEW_POSTS = (SortKey(Post.created_at), SortKey(Post.id))
HOT_POSTS = (SortKey(Post.hot), SortKey(Post.id))
BY_NAME = (SortKey(Community.name, descending=False),)


@pytest.fixture
def site(make_user, content):
    alice = make_user("alice")
    community = content.community(alice)
    for index in range(30):
        content.post(alice, community, f"Post {index}")
    return {"alice": alice, "community": community}


def more_link(html: str) -> str:
    return re.search(r'href="([^"]*cursor=[^"]+)"', html).group(1).replace("&amp;", "&")


def titles(html: str) -> list[str]:
    return re.findall(r"Post \d+", html)


def test_the_next_page_link_carries_a_short_opaque_cursor(client, site, app):
    html = client.get("/?sort=new").get_data(as_text=True)
    cursor = more_link(html).split("cursor=", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,40}", cursor), cursor
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    with app.app_context():
        newest = select(Post).order_by(Post.created_at.desc(), Post.id.desc())
        last = db.session.scalars(newest).all()[24]
    for revealing in (b"created", b"posts", b"id", last.created_at.isoformat()[:10].encode()):
        assert revealing not in raw
    second = client.get(more_link(html)).get_data(as_text=True)
    assert titles(second) == [f"Post {index}" for index in range(4, -1, -1)]


def test_values_of_every_kind_survive_the_round_trip(app_context):
    moment = datetime(2026, 5, 17, 8, 30, 12, 345678, tzinfo=UTC)
    for keys, values in (
        (NEW_POSTS, [moment, 2**31 - 1]),
        (HOT_POSTS, [-1234.5678901234, 1]),
        ((SortKey(Post.score), SortKey(Post.id)), [-(2**40), 7]),
        (BY_NAME, ["bücher_ö"]),
    ):
        assert decode_cursor(encode_cursor(keys, *values), keys) == values


def test_a_cursor_means_nothing_to_another_ordering(app_context):
    cursor = encode_cursor(NEW_POSTS, datetime.now(UTC), 5)
    assert decode_cursor(cursor, NEW_POSTS) is not None
    assert decode_cursor(cursor, HOT_POSTS) is None
    ascending = (SortKey(Post.created_at, descending=False), SortKey(Post.id, descending=False))
    assert decode_cursor(cursor, ascending) is None


def flipped(cursor: str, index: int) -> str:
    replacement = "A" if cursor[index] != "A" else "B"
    return cursor[:index] + replacement + cursor[index + 1 :]


def test_tampered_and_malformed_cursors_are_no_cursor(app_context):
    cursor = encode_cursor(NEW_POSTS, datetime.now(UTC), 5)
    bad = [flipped(cursor, index) for index in range(len(cursor))]
    bad += [cursor[:-1], cursor[:5], cursor + "A", cursor + "AAAA", "", "=", "%ff", "x" * 5000]
    bad += ["A" * length for length in range(1, 40)]
    bad += [cursor[:3] + "+" + cursor[4:], cursor + ".sig", "\x00", "é" * 10]
    for candidate in bad:
        assert decode_cursor(candidate, NEW_POSTS) is None, candidate


def test_a_cursor_of_the_old_format_reads_as_the_first_page(client, site, app):
    """Links people kept from before (itsdangerous JSON naming the columns) still work."""
    with app.app_context():
        old = URLSafeSerializer(app.config["SECRET_KEY"], salt="quorum.cursor").dumps(
            ["posts.created_at|posts.id", {"t": "2026-01-01T00:00:00+00:00"}, 3]
        )
    first = titles(client.get("/?sort=new").get_data(as_text=True))
    response = client.get(f"/?sort=new&cursor={old}")
    assert response.status_code == 200 and titles(response.get_data(as_text=True)) == first


@pytest.mark.parametrize("junk", ["AAAA", "%ff%fe", "9" * 40, "x" * 3000, "AQ" * 20])
def test_junk_cursors_give_the_first_page_everywhere(client, site, junk):
    for path in ("/", "/all", "/c/", "/c/books", "/c/books/members", "/c/books/log", "/tags"):
        response = client.get(f"{path}?cursor={junk}")
        assert response.status_code == 200, path


def test_cursors_survive_a_secret_rotation(app, db_session, monkeypatch):
    with app.test_request_context():
        cursor = encode_cursor(NEW_POSTS, datetime(2026, 1, 1, tzinfo=UTC), 9)
        old_secret = app.config["SECRET_KEY"]
        monkeypatch.setitem(app.config, "SECRET_KEY", "a-brand-new-secret-key-0123456789abcdef")
        assert decode_cursor(cursor, NEW_POSTS) is None
        monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old_secret])
        assert decode_cursor(cursor, NEW_POSTS) == [datetime(2026, 1, 1, tzinfo=UTC), 9]
