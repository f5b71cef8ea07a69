"""Admin: communities. The searchable table, one community's page, editing, moderators,
handing a community to a new owner, and deleting it with everything in it."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select, text

from tests.support.forms import submit
from webapp.admin.views import communities as community_views
from webapp.extensions import db
from webapp.models import (
    Comment,
    CommentVote,
    Community,
    CommunityBan,
    Membership,
    ModerationAction,
    Post,
    PostVote,
    Report,
    Tag,
    User,
    post_tags,
)


@pytest.fixture
def world(make_user, content, db_session):
    """root is a site admin; alice owns books (bob and carol are members); dave owns films."""
    ids = {name: make_user(name) for name in ("root", "alice", "bob", "carol", "dave", "erin")}
    db_session.get(User, ids["root"]).is_admin = True
    db_session.commit()
    ids["books"] = content.community(ids["alice"], "books", "Books and Reading")
    ids["films"] = content.community(ids["dave"], "films", "Films")
    content.join(ids["bob"], ids["books"])
    content.join(ids["carol"], ids["books"])
    return ids


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def owners(community_id) -> list[int]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.community_id == community_id, Membership.role == "owner"
            )
        )
    )


def act(client, action: str, data: dict):
    """Send one of the forms of /admin/communities/books (to …/books/<action>)."""
    return submit(
        client, "/admin/communities/books", data, post_url=f"/admin/communities/books/{action}"
    )


def member_count_is_exact(community_id) -> bool:
    community = db.session.get(Community, community_id)
    return community.member_count == count(Membership, Membership.community_id == community_id)


# -- Who gets in ----------------------------------------------------------------------


def test_guests_sign_in_and_non_admins_get_403(client, auth, world):
    for url in ("/admin/communities", "/admin/communities/books"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login("alice")  # the owner of books, but no site admin
    assert client.get("/admin/communities/books").status_code == 403
    response = submit(
        client, "/c/books", {"new_owner": "bob"}, post_url="/admin/communities/books/transfer"
    )
    assert response.status_code == 403
    assert owners(world["books"]) == [world["alice"]]


# -- The table ------------------------------------------------------------------------


def test_the_table_lists_communities_with_their_owner_and_numbers(client, auth, world):
    auth.login("root")
    page = text_of(client.get("/admin/communities"))
    assert ">All communities, newest first</caption>" in page
    assert page.index("/admin/communities/films") < page.index("/admin/communities/books")
    assert "Books and Reading" in page and "/u/alice" in page and "/u/dave" in page
    assert 'aria-current="page"' in page


@pytest.mark.parametrize(
    ("search", "found", "not_found"),
    [
        ("BOOK", "books", "films"),  # name, any case
        ("reading", "books", "films"),  # title
        ("ilm", "films", "books"),
        ("%", None, None),  # LIKE's wildcards are taken literally
        ("_", None, None),
    ],
)
def test_search_by_name_or_title(client, auth, world, search, found, not_found):
    auth.login("root")
    page = text_of(client.get("/admin/communities", query_string={"q": search}))
    if found:
        assert f"/admin/communities/{found}" in page
        assert f"/admin/communities/{not_found}" not in page
    else:
        assert f"No community matches “{search}”." in page


def test_search_with_htmx_answers_the_table_alone(client, auth, world):
    auth.login("root")
    response = client.get(
        "/admin/communities", query_string={"q": "films"}, headers={"HX-Request": "true"}
    )
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<div id="community-results">')
    assert "/admin/communities/films" in page and "<html" not in page
    assert "HX-Request" in response.headers["Vary"]


def test_pages_follow_each_other_keeping_the_search(client, auth, world, content, monkeypatch):
    for index in range(3):
        content.community(world["erin"], f"bookclub{index}", f"Book club {index}")
    monkeypatch.setattr(community_views, "PAGE_SIZE", 2)
    auth.login("root")
    seen: list[str] = []
    url = "/admin/communities?q=book"
    while url:
        page = client.get(url).get_data(as_text=True)
        rows = [
            name
            for name in ("bookclub2", "bookclub1", "bookclub0", "books")
            if f'/admin/communities/{name}"' in page
        ]
        seen.extend(rows)
        marker = page.find('">Next</a>')
        url = (
            html.unescape(page[page.rfind('href="', 0, marker) + 6 : marker]) if marker > 0 else ""
        )
        if url:
            assert "q=book" in url and "cursor=" in url
    assert seen == ["bookclub2", "bookclub1", "bookclub0", "books"]


def _table_statements(client, count_statements) -> int:
    with count_statements() as counter:
        response = client.get("/admin/communities")
    assert response.status_code == 200
    return counter.count


def test_the_table_costs_the_same_for_2_and_20_communities(
    client, auth, world, content, count_statements
):
    auth.login("root")
    few = _table_statements(client, count_statements)
    for index in range(18):
        content.community(world["erin"], f"place{index}", f"Place {index}")
    many = _table_statements(client, count_statements)
    assert few == many
    assert client.get("/admin/communities").get_data(as_text=True).count("/u/erin") == 18


# -- One community --------------------------------------------------------------------


def test_the_community_page_shows_its_people_and_what_can_be_done(client, auth, world):
    auth.login("root")
    page = text_of(client.get("/admin/communities/books"))
    assert "Books and Reading" in page and "/u/alice" in page
    assert "0 people are banned from this community." in page
    for action in ("edit", "transfer", "moderators", "delete"):
        assert f"/admin/communities/books/{action}" in page
    assert "/c/books/mod/bans" in page
    assert client.get("/admin/communities/nowhere").status_code == 404


def test_admin_edits_the_details_and_it_is_logged(client, auth, world):
    auth.login("root")
    response = act(client, "edit", {"title": "Books", "description": "New words", "rules": "None"})
    assert response.status_code == 303
    community = db.session.get(Community, world["books"])
    assert (community.title, community.description, community.rules) == (
        "Books",
        "New words",
        "None",
    )
    assert count(ModerationAction, ModerationAction.action == "edit_community") == 1


def test_an_invalid_edit_keeps_what_was_typed(client, auth, world):
    auth.login("root")
    response = act(client, "edit", {"title": "", "description": "Kept text", "rules": ""})
    page = text_of(response)
    assert response.status_code == 422 and "Give the community a title." in page
    assert "Kept text" in page
    assert db.session.get(Community, world["books"]).title == "Books and Reading"


def test_admin_appoints_and_dismisses_moderators(client, auth, world):
    auth.login("root")
    appoint = act(client, "moderators", {"username": "bob", "appoint": "1"})
    assert appoint.status_code == 303
    assert db.session.get(Membership, (world["bob"], world["books"])).role == "moderator"
    dismiss = act(client, "moderators", {"username": "bob", "appoint": "0"})
    assert dismiss.status_code == 303
    db.session.expire_all()
    assert db.session.get(Membership, (world["bob"], world["books"])).role == "member"
    refused = act(client, "moderators", {"username": "erin", "appoint": "1"})
    assert refused.status_code == 422
    assert "Only members of the community can be moderators." in text_of(refused)


# -- Transfer -------------------------------------------------------------------------


def transfer(client, username, reason=""):
    return act(client, "transfer", {"new_owner": username, "reason": reason})


def test_transfer_to_a_member_keeps_one_owner_and_the_count(client, auth, world):
    auth.login("root")
    response = transfer(client, "Bob", "Alice asked")
    assert response.status_code == 303
    assert owners(world["books"]) == [world["bob"]]
    assert db.session.get(Membership, (world["alice"], world["books"])).role == "moderator"
    assert db.session.get(Community, world["books"]).member_count == 3
    assert member_count_is_exact(world["books"])
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "transfer_community")
    ).one()
    assert (entry.actor_id, entry.target_id, entry.community_id) == (
        world["root"],
        world["bob"],
        world["books"],
    )
    assert (entry.reason, entry.target_label) == ("Alice asked", "bob")
    assert "bob now owns this community." in text_of(client.get("/admin/communities/books"))


def test_transfer_to_a_non_member_makes_them_join(client, auth, world):
    auth.login("root")
    assert transfer(client, "erin").status_code == 303
    assert owners(world["books"]) == [world["erin"]]
    assert db.session.get(Community, world["books"]).member_count == 4
    assert member_count_is_exact(world["books"])


def test_transfer_to_an_owner_of_another_community_changes_only_this_one(client, auth, world):
    auth.login("root")
    assert transfer(client, "dave").status_code == 303
    assert owners(world["books"]) == [world["dave"]]
    assert owners(world["films"]) == [world["dave"]]
    assert member_count_is_exact(world["books"]) and member_count_is_exact(world["films"])


def test_refused_transfers_keep_the_owner(app, client, auth, world):
    db.session.add(CommunityBan(community_id=world["books"], user_id=world["carol"], reason="x"))
    db.session.commit()
    auth.login("root")
    for username, message in [
        ("nobody", "No one has this username."),
        ("alice", "This person already owns the community."),
        ("carol", "This person is banned from this community: lift the ban first."),
        ("", "Enter a username."),
    ]:
        response = transfer(client, username)
        assert response.status_code == 422
        page = text_of(response)
        assert message in page
        assert f'value="{username}"' in page or not username
    assert owners(world["books"]) == [world["alice"]]
    assert count(ModerationAction, ModerationAction.action == "transfer_community") == 0


# -- Delete ---------------------------------------------------------------------------


@pytest.fixture
def filled(world, content, db_session):
    """Posts, comments, votes, tags, bans and reports in both communities."""
    ids = dict(world)

    def report(kind, target_id, community_id):
        return Report(
            reporter_id=ids["carol"],
            target_type=kind,
            target_id=target_id,
            community_id=community_id,
            reason="spam",
        )

    books_post = content.post(ids["alice"], ids["books"], "Novels", tags=["fiction", "shared"])
    removed = content.post(ids["bob"], ids["books"], "Gone", tags=["fiction"])
    films_post = content.post(ids["dave"], ids["films"], "Cinema", tags=["shared"])
    top = content.comment(ids["bob"], books_post)
    content.comment(ids["carol"], books_post, parent_id=top)
    content.comment(ids["alice"], books_post)
    film_comment = content.comment(ids["dave"], films_post)
    db_session.add_all(
        [
            PostVote(user_id=ids["bob"], post_id=books_post, value=1),
            CommentVote(user_id=ids["alice"], comment_id=top, value=1),
            PostVote(user_id=ids["erin"], post_id=films_post, value=1),
            CommunityBan(community_id=ids["books"], user_id=ids["erin"], reason="x"),
            CommunityBan(community_id=ids["films"], user_id=ids["erin"], reason="y"),
            # Reports by carol: a post and the community itself in books, a comment in films.
            report("post", books_post, ids["books"]),
            report("community", ids["books"], None),
            report("comment", film_comment, ids["films"]),
        ]
    )
    db_session.commit()
    ids.update(books_post=books_post, removed=removed, films_post=films_post)
    return ids


def test_the_deletion_page_says_what_goes(client, auth, filled):
    auth.login("root")
    response = client.get("/admin/communities/books/delete")
    page = text_of(response)
    assert response.status_code == 200
    assert "Delete /c/books with 2 posts, 3 comments and 3 members? This cannot be undone." in page
    assert 'action="/admin/communities/books/delete"' in page
    assert count(Community) == 2


def test_deleting_needs_a_reason(client, auth, filled):
    auth.login("root")
    response = submit(client, "/admin/communities/books/delete", {"reason": "  "}, post_url=None)
    assert response.status_code == 422
    assert "Say why this community is deleted." in text_of(response)
    assert count(Community) == 2


def _tag_counts_match_recounts() -> bool:
    db.session.expire_all()
    for tag in db.session.scalars(select(Tag)):
        visible = db.session.scalar(
            select(func.count())
            .select_from(post_tags)
            .join(Post, Post.id == post_tags.c.post_id)
            .where(
                post_tags.c.tag_id == tag.id,
                Post.removed_at.is_(None),
                Post.deleted_at.is_(None),
            )
        )
        if tag.post_count != visible:
            return False
    return True


def test_delete_removes_exactly_that_community_and_keeps_tag_counts_exact(
    app, client, auth, filled
):
    ids = filled
    # A removed post does not count for its tags: deleting it must not count it twice.
    auth.login("root")
    submit(client, "/", {"reason": "Off topic"}, post_url=f"/p/{ids['removed']}/remove")
    assert _tag_counts_match_recounts()
    films_before = (
        count(Post, Post.community_id == ids["films"]),
        count(Comment),
        count(Membership, Membership.community_id == ids["films"]),
    )
    response = submit(client, "/admin/communities/books/delete", {"reason": "Abandoned spam den"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/communities"
    assert db.session.get(Community, ids["books"]) is None
    assert count(Post, Post.community_id == ids["books"]) == 0
    assert count(Post) == 1 and count(Comment) == 1 == films_before[1] - 3
    assert count(PostVote) == 1 and count(CommentVote) == 0
    assert count(Membership, Membership.community_id == ids["books"]) == 0
    assert count(Membership, Membership.community_id == ids["films"]) == films_before[2]
    assert count(CommunityBan) == 1 and count(Report) == 1
    assert _tag_counts_match_recounts()
    assert db.session.scalar(select(Tag.post_count).where(Tag.name == "shared")) == 1
    assert db.session.scalar(select(Tag.post_count).where(Tag.name == "fiction")) == 0
    # The log keeps what happened, and outlives the community.
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "delete_community")
    ).one()
    assert (entry.actor_id, entry.target_id, entry.community_id) == (
        ids["root"],
        ids["books"],
        None,
    )
    assert (entry.reason, entry.target_label) == ("Abandoned spam den", "books")
    assert count(ModerationAction, ModerationAction.community_id == ids["books"]) == 0
    page = text_of(client.get("/admin/communities"))
    assert "The community /c/books has been deleted." in page
    assert client.get("/c/books").status_code == 404
    assert client.get("/c/films").status_code == 200
    # The search index forgot the community's posts (SQLite: its triggers fired on the
    # cascaded deletes too).
    found = client.get("/search", query_string={"q": "Novels", "type": "posts"})
    assert found.status_code == 200 and f"/p/{ids['books_post']}/" not in found.get_data(
        as_text=True
    )
    cinema = client.get("/search", query_string={"q": "Cinema", "type": "posts"})
    assert f"/p/{ids['films_post']}/" in cinema.get_data(as_text=True)
    if db.session.get_bind().dialect.name == "sqlite":
        indexed = text("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'Novels'")
        assert db.session.scalar(indexed) == 0
