"""The site-wide moderation log: filters return exactly the matching entries, pages
follow a cursor, and a page costs the same statements for 2 or 20 rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from webapp.models import ModerationAction, User

START = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def admin(auth, make_user, db_session):
    admin_id = make_user("root")
    db_session.get(User, admin_id).is_admin = True
    db_session.commit()
    auth.login("root")
    return admin_id


@pytest.fixture
def world(admin, make_user, content):
    bob = make_user("bob")
    books = content.community(bob, "books")
    films = content.community(bob, "films", "Films")
    post_id = content.post(bob, books, "A post")
    return {"admin": admin, "bob": bob, "books": books, "films": films, "post": post_id}


def add_entry(db_session, actor_id, action, minutes, community_id=None, **extra):
    entry = ModerationAction(
        actor_id=actor_id,
        action=action,
        target_type=extra.pop("target_type", "post"),
        target_id=extra.pop("target_id", None),
        community_id=community_id,
        reason=extra.pop("reason", f"{action} at {minutes}"),
        target_label=extra.pop("target_label", ""),
        created_at=START + timedelta(minutes=minutes),
    )
    db_session.add(entry)
    return entry


@pytest.fixture
def entries(world, db_session):
    """Six entries: by root and bob, of three actions, in books, films and no community."""
    add_entry(
        db_session,
        world["admin"],
        "ban_user",
        1,
        target_type="user",
        target_id=world["bob"],
        target_label="bob",
    )
    add_entry(
        db_session,
        world["bob"],
        "remove_post",
        2,
        world["books"],
        target_id=world["post"],
        target_label="A post",
    )
    add_entry(db_session, world["bob"], "pin_post", 3, world["books"], target_id=world["post"])
    add_entry(
        db_session,
        world["admin"],
        "remove_post",
        4,
        world["films"],
        target_id=999_999,
        target_label="Gone post",
    )
    add_entry(db_session, world["bob"], "remove_post", 5, world["films"])
    add_entry(
        db_session, world["admin"], "edit_site_settings", 6, target_type="site", reason="Site name"
    )
    db_session.commit()
    return world


ALL = [
    "Site name",
    "remove_post at 5",
    "remove_post at 4",
    "pin_post at 3",
    "remove_post at 2",
    "ban_user at 1",
]


def reasons(html: str) -> list[str]:
    return re.findall(r'<td><span dir="auto">([^<]*)</span></td>\s*</tr>', html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {},
            [
                "Site name",
                "remove_post at 5",
                "remove_post at 4",
                "pin_post at 3",
                "remove_post at 2",
                "ban_user at 1",
            ],
        ),
        ({"actor": "BOB"}, ["remove_post at 5", "pin_post at 3", "remove_post at 2"]),
        ({"actor": "@root"}, ["Site name", "remove_post at 4", "ban_user at 1"]),
        ({"action": "remove_post"}, ["remove_post at 5", "remove_post at 4", "remove_post at 2"]),
        ({"community": "films"}, ["remove_post at 5", "remove_post at 4"]),
        ({"actor": "bob", "action": "remove_post", "community": "books"}, ["remove_post at 2"]),
        ({"actor": "nobody"}, []),
        ({"community": "nowhere"}, []),
        (
            {"action": "not_an_action"},
            [
                "Site name",
                "remove_post at 5",
                "remove_post at 4",
                "pin_post at 3",
                "remove_post at 2",
                "ban_user at 1",
            ],
        ),
    ],
)
def test_filters_return_exactly_the_matching_entries(client, entries, query, expected):
    response = client.get("/admin/log", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert reasons(html) == expected
    if not expected:
        assert "No entries match these filters." in html


def test_rows_show_who_what_target_and_community_with_links(client, entries):
    html = client.get("/admin/log").get_data(as_text=True)
    assert "banned a person from the site" in html
    assert '<a href="/u/bob"><bdi>bob</bdi></a>' in html  # the target still exists
    assert f'<a href="/p/{entries["post"]}"><bdi>A post</bdi></a>' in html
    assert "<td><bdi>Gone post</bdi></td>" in html  # gone: no link
    assert '<a href="/c/films"><bdi>films</bdi></a>' in html
    assert "changed the site settings" in html


def test_pages_follow_a_cursor_and_keep_the_filters(app, client, entries):
    app.config["ADMIN_LOG_PAGE_SIZE"] = 2
    try:
        first = client.get("/admin/log?action=remove_post").get_data(as_text=True)
        assert reasons(first) == ["remove_post at 5", "remove_post at 4"]
        older = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
        assert "action=remove_post" in older and "cursor=" in older
        second = client.get(older).get_data(as_text=True)
        assert reasons(second) == ["remove_post at 2"]
        assert 'rel="next"' not in second
    finally:
        app.config.pop("ADMIN_LOG_PAGE_SIZE")


def test_a_forged_cursor_shows_the_first_page(client, entries):
    response = client.get("/admin/log?cursor=AAAAbogus")
    assert response.status_code == 200
    assert reasons(response.get_data(as_text=True))[0] == "Site name"


def test_htmx_filtering_returns_only_the_results(client, entries):
    response = client.get("/admin/log?actor=bob", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="log-results"')
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    page = client.get("/admin/log").get_data(as_text=True)
    assert 'hx-get="/admin/log" hx-target="#log-results"' in page
    assert 'method="get" action="/admin/log"' in page  # and a plain form without JS


def test_filter_form_keeps_what_was_chosen(client, entries):
    html = client.get("/admin/log?actor=bob&action=pin_post&community=books").get_data(as_text=True)
    assert 'name="actor" type="search" value="bob"' in html
    assert '<option value="pin_post" selected>' in html
    assert 'name="community" type="search" value="books"' in html


def test_log_costs_the_same_statements_for_2_or_20_rows(
    client, world, db_session, count_statements
):
    for minutes in range(2):
        add_entry(
            db_session,
            world["bob"],
            "remove_post",
            minutes,
            world["books"],
            target_id=world["post"],
        )
    db_session.commit()
    client.get("/admin/log")
    with count_statements() as few:
        client.get("/admin/log")
    for minutes in range(2, 20):
        target = ("user", world["bob"]) if minutes % 2 else ("community", world["films"])
        add_entry(
            db_session,
            world["admin"],
            "ban_user",
            minutes,
            world["films"],
            target_type=target[0],
            target_id=target[1],
        )
    db_session.commit()
    with count_statements() as many:
        html = client.get("/admin/log").get_data(as_text=True)
    assert html.count('<tr class="log-entry">') == 20
    assert few.count == many.count, many.statements


def test_log_refuses_guests_and_people_who_are_not_admins(client, auth, make_user):
    assert client.get("/admin/log").status_code == 302
    make_user("eve")
    auth.login("eve")
    assert client.get("/admin/log").status_code == 403
