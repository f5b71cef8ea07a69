"""Communities: directory, creation, membership, editing, moderators, log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.support.forms import submit
from webapp.extensions import db
from webapp.models import Community, Membership, ModerationAction


def test_create_community_makes_the_creator_its_owner(client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    response = submit(
        client,
        "/c/new",
        {"name": "bikes", "title": "Bicycles", "description": "Two wheels.", "rules": "Be kind."},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/c/bikes"
    community = db.session.scalar(select(Community).where(Community.name == "bikes"))
    assert community.member_count == 1 and community.post_count == 0
    owner = db.session.scalar(select(Membership).where(Membership.community_id == community.id))
    assert owner.role == "owner"
    page = client.get("/c/bikes").get_data(as_text=True)
    assert "Bicycles" in page and "Two wheels." in page and "You own this community." in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "Bad Name"}, "Use only lowercase letters, digits and underscores."),
        ({"name": "ab"}, "A name has 3 to 30 characters."),
        ({"name": "books"}, "A community with this name already exists."),
        ({"title": ""}, "Give the community a title."),
        ({"title": "t" * 101}, "A title has at most 100 characters."),
    ],
)
def test_create_community_rejects_bad_input(client, auth, make_user, content, fields, message):
    alice = make_user("alice")
    content.community(alice, "books")
    auth.login("alice")
    data = {"name": "newplace", "title": "New place", "description": "d", "rules": "", **fields}
    response = submit(client, "/c/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert f'value="{data["title"]}"' in html  # what was typed comes back
    assert db.session.scalar(select(func.count()).select_from(Community)) == 1


def test_guest_cannot_create_a_community(client):
    response = client.get("/c/new")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_join_and_leave_keep_the_member_count_exact(client, auth, make_user, content):
    alice, _bob = make_user("alice"), make_user("bob")
    community_id = content.community(alice)
    auth.login("bob")
    response = submit(client, "/c/books", {}, post_url="/c/books/join")
    assert response.status_code == 303
    submit(client, "/c/books", {}, post_url="/c/books/join")  # twice is a no-op
    assert content.reload(Community, community_id).member_count == 2
    submit(client, "/c/books", {}, post_url="/c/books/leave")
    submit(client, "/c/books", {}, post_url="/c/books/leave")
    assert content.reload(Community, community_id).member_count == 1


def test_join_with_htmx_answers_the_button_with_the_new_count(client, auth, make_user, content):
    content.community(make_user("alice"))
    make_user("bob")
    auth.login("bob")
    response = submit(
        client, "/c/books", {}, post_url="/c/books/join", headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "2 members" in html and "Leave" in html and 'aria-pressed="true"' in html


def test_guest_join_is_sent_to_sign_in_and_back(client, make_user, content):
    content.community(make_user("alice"))
    response = submit(client, "/c/books", {}, post_url="/c/books/join")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login?next=/c/books"
    htmx = submit(client, "/c/books", {}, post_url="/c/books/join", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/auth/login?next=/c/books"


def test_owner_cannot_leave(client, auth, make_user, content):
    community_id = content.community(make_user("alice"))
    auth.login("alice")
    response = submit(client, "/c/books", {}, post_url="/c/books/leave", follow_redirects=True)
    assert "Owners cannot leave their own community." in response.get_data(as_text=True)
    assert content.reload(Community, community_id).member_count == 1


def test_only_moderators_edit_a_community(client, auth, make_user, content):
    community_id = content.community(make_user("alice"))
    bob = make_user("bob")
    content.join(bob, community_id)
    auth.login("bob")
    assert client.get("/c/books/edit").status_code == 403
    auth.logout()
    auth.login("alice")
    response = submit(
        client, "/c/books/edit", {"title": "Books & more", "description": "New", "rules": "R"}
    )
    assert response.status_code == 302
    assert content.reload(Community, community_id).title == "Books & more"
    log = client.get("/c/books/log").get_data(as_text=True)
    assert "edited the community" in log


def test_moderators_appoint_and_owner_dismisses(client, auth, make_user, content):
    community_id = content.community(make_user("alice"))
    for name in ("bob", "carol"):
        content.join(make_user(name), community_id)
    auth.login("alice")
    response = submit(
        client, "/c/books/members", {"username": "BOB"}, post_url="/c/books/moderators"
    )
    assert response.status_code == 303
    auth.logout()
    auth.login("bob")  # a moderator may appoint, but not dismiss
    assert (
        submit(
            client, "/c/books/members", {"username": "carol"}, post_url="/c/books/moderators"
        ).status_code
        == 303
    )
    assert (
        submit(
            client,
            "/c/books/members",
            {"username": "carol"},
            post_url="/c/books/moderators/dismiss",
        ).status_code
        == 403
    )
    roles = dict(
        db.session.execute(
            select(Membership.user_id, Membership.role).where(
                Membership.community_id == community_id
            )
        ).all()
    )
    assert sorted(roles.values()) == ["moderator", "moderator", "owner"]
    assert db.session.scalar(select(func.count()).select_from(ModerationAction)) == 2


def test_appointing_a_non_member_is_a_form_error(client, auth, make_user, content):
    content.community(make_user("alice"))
    make_user("stranger")
    auth.login("alice")
    response = submit(
        client, "/c/books/members", {"username": "stranger"}, post_url="/c/books/moderators"
    )
    assert response.status_code == 422
    assert "Only members of the community can be moderators." in response.get_data(as_text=True)


def test_directory_sorts_and_pages_without_repeats(app, client, make_user, content):
    alice = make_user("alice")
    for index in range(7):
        content.community(alice, f"place_{index}", f"Place {index}")
    bob = make_user("bob")
    content.join(bob, content.community(alice, "popular", "Popular"))
    html = client.get("/c/?sort=members").get_data(as_text=True)
    assert html.index("Popular") < html.index("Place 0")
    by_name = client.get("/c/?sort=name").get_data(as_text=True)
    assert by_name.index("Place 0") < by_name.index("Place 6") < by_name.index("Popular")
    import webapp.communities.views as views

    original, views.PAGE_SIZE = views.PAGE_SIZE, 3
    try:
        seen, url = [], "/c/?sort=new"
        while url:
            page = client.get(url).get_data(as_text=True)
            seen += re.findall(r'href="/c/([a-z0-9_]+)"', page.split("<main")[1])
            more = re.search(r'<a href="(/c/\?[^"]*cursor=[^"]+)"', page)
            url = more.group(1).replace("&amp;", "&") if more else None
    finally:
        views.PAGE_SIZE = original
    assert len(seen) == 8 == len(set(seen))


def test_unknown_community_is_404(client):
    assert client.get("/c/nothing_here").status_code == 404
    assert client.get("/c/" + "x" * 200).status_code == 404
