"""/admin/people: search and filters, the person page and its actions (ban, unban,
admin rights, purge), the never-the-last-admin rule, and exact counts after a purge."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.support.databases import fresh_database, is_postgres
from tests.support.forms import submit
from webapp.admin import services
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import (
    Base,
    Comment,
    Community,
    ModerationAction,
    Post,
    Profile,
    Tag,
    User,
    utc_now,
)
from webapp.models.tag import post_tags
from webapp.unit_of_work import unit_of_work


def make_admin(make_user, db_session, username="root") -> int:
    user_id = make_user(username)
    db_session.get(User, user_id).is_admin = True
    db_session.commit()
    return user_id


@pytest.fixture
def admin_id(auth, make_user, db_session):
    user_id = make_admin(make_user, db_session)
    auth.login("root")
    return user_id


def act(app, action):
    with app.test_request_context(), unit_of_work():
        return action()


def person(user_id: int) -> User:
    return db.session.get(User, user_id)


def listed(client, query: str = "") -> list[str]:
    """The usernames in the people table, in order."""
    import re

    html = client.get("/admin/people" + query).get_data(as_text=True)
    return re.findall(r'href="/admin/people/([A-Za-z0-9_]+)"', html)


# -- Search and filters --------------------------------------------------------------


def test_search_matches_username_display_name_or_email_in_any_case(
    client, admin_id, make_user, db_session
):
    make_user("alice", email="alice@books.example")
    bob = make_user("bob", email="bob@example.org")
    make_user("carol", email="carol@example.org")
    db_session.get(Profile, bob).display_name = "Bobby Tables"
    db_session.commit()
    assert listed(client, "?q=ALI") == ["alice"]
    assert listed(client, "?q=tables") == ["bob"]
    assert listed(client, "?q=BOOKS.example") == ["alice"]
    assert listed(client, "?q=%25") == []  # a LIKE wildcard is just a character
    assert listed(client, "?q=_") == []
    assert listed(client) == ["carol", "bob", "alice", "root"]


def test_filters_show_exactly_admins_banned_and_new_people(
    app, client, admin_id, make_user, db_session
):
    old = make_user("old_timer")
    person(old).created_at = utc_now() - timedelta(days=30)
    person(admin_id).created_at = utc_now() - timedelta(days=40)
    banned = make_user("banned_one")
    expired = make_user("expired_one")
    db_session.commit()
    act(app, lambda: services.ban_user(person(admin_id), person(banned), "Spam", None))
    act(
        app,
        lambda: services.ban_user(
            person(admin_id), person(expired), "Spam", utc_now() + timedelta(days=1)
        ),
    )
    person(expired).banned_until = utc_now() - timedelta(minutes=1)
    db_session.commit()
    assert listed(client, "?filter=admins") == ["root"]
    assert listed(client, "?filter=banned") == ["banned_one"]
    assert listed(client, "?filter=new") == ["expired_one", "banned_one"]
    assert listed(client, "?filter=nonsense") == listed(client, "?filter=all")


def test_people_list_pages_with_a_next_link_that_keeps_the_filter(client, admin_id, make_user, app):
    import re

    for index in range(3):
        make_user(f"person_{index}")
    from webapp.admin.views import people as people_view

    people_view.PAGE_SIZE, size = 2, people_view.PAGE_SIZE
    try:
        html = client.get("/admin/people?filter=new&q=person").get_data(as_text=True)
        assert re.findall(r'href="/admin/people/(person_\d)"', html) == ["person_2", "person_1"]
        next_link = re.search(r'href="(/admin/people\?[^"]*cursor=[^"]+)"', html).group(1)
        next_link = next_link.replace("&amp;", "&")
        assert "filter=new" in next_link and "q=person" in next_link
        html = client.get(next_link).get_data(as_text=True)
        assert re.findall(r'href="/admin/people/(person_\d)"', html) == ["person_0"]
    finally:
        people_view.PAGE_SIZE = size


def test_people_list_costs_the_same_statements_for_2_and_20_people(
    client, admin_id, make_user, count_statements
):
    def statements() -> int:
        with count_statements() as counter:
            assert client.get("/admin/people").status_code == 200
        return counter.count

    make_user("first")
    few = statements()
    for index in range(18):
        make_user(f"more_{index}")
    assert statements() == few


def test_person_page_costs_the_same_statements_for_few_and_many_items(
    app, client, admin_id, make_user, content, count_statements
):
    bob = make_user("bob")
    community = content.community(admin_id, "books")

    def statements() -> int:
        with count_statements() as counter:
            assert client.get("/admin/people/bob").status_code == 200
        return counter.count

    post = content.post(bob, community, "First")
    content.comment(bob, post)
    few = statements()
    for index in range(10):
        other = content.post(bob, community, f"Post {index}")
        content.comment(bob, other)
    assert statements() == few


def test_person_page_shows_their_writing_and_history(app, client, admin_id, make_user, content):
    bob = make_user("bob")
    community = content.community(admin_id, "books")
    post = content.post(bob, community, "Bob's first post")
    content.comment(bob, post, body="<p>A comment by bob</p>")
    act(app, lambda: services.ban_user(person(admin_id), person(bob), "Spam links", None))
    page = client.get("/admin/people/BOB").get_data(as_text=True)
    assert "Bob&#39;s first post" in page
    assert "A comment by bob" in page
    assert "Spam links" in page
    assert "banned a person from the site" in page
    assert client.get("/admin/people/nobody").status_code == 404


# -- Actions through the pages -------------------------------------------------------


def test_ban_form_stores_what_was_typed_and_redirects_with_a_message(client, admin_id, make_user):
    bob = make_user("bob")
    response = submit(
        client,
        "/admin/people/bob",
        {"reason": "Spam, again", "days": "3"},
        post_url="/admin/people/bob/ban",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "bob is banned until" in response.get_data(as_text=True)
    db.session.expire_all()
    user = person(bob)
    assert user.ban_reason == "Spam, again"
    assert (
        timedelta(days=3) - timedelta(minutes=1)
        < user.banned_until - utc_now()
        <= timedelta(days=3)
    )


def test_ban_form_without_reason_is_422_and_keeps_what_was_typed(client, admin_id, make_user):
    bob = make_user("bob")
    response = submit(
        client, "/admin/people/bob", {"reason": "", "days": "12"}, post_url="/admin/people/bob/ban"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Say why this person is banned." in page
    assert 'value="12"' in page
    db.session.expire_all()
    assert person(bob).banned_at is None


def test_ban_form_refusal_from_the_service_shows_on_the_form(client, admin_id, make_user):
    response = submit(
        client, "/admin/people/root", {"reason": "Oops"}, post_url="/admin/people/root/ban"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "You cannot ban yourself." in page
    assert "Oops" in page


def test_unban_form_lifts_the_ban(app, client, admin_id, make_user):
    bob = make_user("bob")
    act(app, lambda: services.ban_user(person(admin_id), person(bob), "Spam", None))
    response = submit(
        client,
        "/admin/people/bob",
        {"unban_reason": "Appeal"},
        post_url="/admin/people/bob/unban",
        follow_redirects=True,
    )
    assert "ban is lifted" in response.get_data(as_text=True)
    db.session.expire_all()
    assert person(bob).banned_at is None
    entry = db.session.scalars(
        select(ModerationAction).order_by(ModerationAction.id.desc())
    ).first()
    assert (entry.action, entry.reason) == ("unban_user", "Appeal")


def test_promote_and_demote_through_the_page_are_logged(client, admin_id, make_user):
    bob = make_user("bob")
    response = submit(
        client, "/admin/people/bob", {}, post_url="/admin/people/bob/promote", follow_redirects=True
    )
    assert "bob is now a site admin." in response.get_data(as_text=True)
    db.session.expire_all()
    assert person(bob).is_admin
    response = submit(
        client, "/admin/people/bob", {}, post_url="/admin/people/bob/demote", follow_redirects=True
    )
    assert "bob is no longer a site admin." in response.get_data(as_text=True)
    db.session.expire_all()
    assert not person(bob).is_admin
    entries = db.session.execute(
        select(
            ModerationAction.actor_id,
            ModerationAction.action,
            ModerationAction.target_id,
            ModerationAction.target_label,
        ).order_by(ModerationAction.id)
    ).all()
    assert entries == [
        (admin_id, "promote_admin", bob, "bob"),
        (admin_id, "demote_admin", bob, "bob"),
    ]


def test_demoting_yourself_is_refused_with_a_message(client, admin_id, make_user, db_session):
    make_admin(make_user, db_session, "second")
    response = submit(
        client,
        "/admin/people/root",
        {},
        post_url="/admin/people/root/demote",
        follow_redirects=True,
    )
    assert "another admin has to do it" in response.get_data(as_text=True)
    db.session.expire_all()
    assert person(admin_id).is_admin


def test_the_last_admin_is_never_removed(app, make_user, db_session):
    root = make_admin(make_user, db_session)
    # Only reachable through a stale actor: the rule holds even then.
    with pytest.raises(DomainError, match="another admin has to do it"):
        act(app, lambda: services.set_admin(person(root), person(root), False))
    second = make_admin(make_user, db_session, "second")
    act(app, lambda: services.set_admin(person(root), person(second), False))
    with pytest.raises(DomainError, match="Only site administrators"):
        act(app, lambda: services.set_admin(person(second), person(root), False))
    db.session.expire_all()
    assert person(root).is_admin
    assert db.session.scalar(select(func.count()).where(User.is_admin.is_(True))) == 1


def test_pages_and_actions_refuse_non_admins(client, auth, make_user):
    make_user("bob")
    make_user("eve")
    auth.login("eve")
    assert client.get("/admin/people").status_code == 403
    assert client.get("/admin/people/bob").status_code == 403
    page = client.get("/").get_data(as_text=True)
    from tests.support.forms import csrf_token_from

    token = csrf_token_from(page)
    for action in ("ban", "unban", "promote", "demote", "purge"):
        response = client.post(
            f"/admin/people/bob/{action}", data={"csrf_token": token, "reason": "x"}
        )
        assert response.status_code == 403, action
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ModerationAction)) == 0


# -- Purge ---------------------------------------------------------------------------


def recounts_match() -> None:
    """Every denormalized count equals a recount from the tables."""
    db.session.expire_all()
    for community in db.session.scalars(select(Community)):
        shown = db.session.scalar(
            select(func.count()).where(
                Post.community_id == community.id,
                Post.removed_at.is_(None),
                Post.deleted_at.is_(None),
            )
        )
        assert community.post_count == shown, community.name
    for tag in db.session.scalars(select(Tag)):
        shown = db.session.scalar(
            select(func.count())
            .select_from(post_tags)
            .join(Post, Post.id == post_tags.c.post_id)
            .where(
                post_tags.c.tag_id == tag.id,
                Post.removed_at.is_(None),
                Post.deleted_at.is_(None),
            )
        )
        assert tag.post_count == shown, tag.name
    for post in db.session.scalars(select(Post)):
        shown = db.session.scalar(
            select(func.count()).where(
                Comment.post_id == post.id,
                Comment.removed_at.is_(None),
                Comment.deleted_at.is_(None),
            )
        )
        assert post.comment_count == shown, post.title


@pytest.fixture
def purge_scene(app, make_user, content, db_session):
    """bob wrote posts in two communities (with tags), comments on his and others'
    posts, one deleted comment and one already-removed post; alice wrote some too."""
    root = make_admin(make_user, db_session)
    bob, alice = make_user("bob"), make_user("alice")
    books = content.community(alice, "books")
    films = content.community(alice, "films", "Films")
    alice_post = content.post(alice, books, "Alice's", tags=["reading"])
    bob_posts = [
        content.post(bob, books, "Bob 1", tags=["reading", "spam"]),
        content.post(bob, films, "Bob 2", tags=["spam"]),
        content.post(bob, films, "Bob 3"),
    ]
    content.comment(alice, bob_posts[0])
    content.comment(bob, alice_post)
    first = content.comment(bob, alice_post)
    content.comment(bob, alice_post, parent_id=first)
    content.comment(bob, bob_posts[1])
    deleted = content.comment(bob, bob_posts[1])
    content.comment(alice, alice_post)
    from webapp.comments import services as comment_services
    from webapp.posts import services as post_services

    act(app, lambda: comment_services.delete_comment(person(bob), db.session.get(Comment, deleted)))
    act(
        app,
        lambda: post_services.remove_post(
            person(alice), db.session.get(Post, bob_posts[2]), "Off topic"
        ),
    )
    recounts_match()
    return {"root": root, "bob": bob, "alice": alice, "bob_posts": bob_posts}


def test_purge_confirmation_page_says_how_much(client, auth, purge_scene):
    auth.login("root")
    page = client.get("/admin/people/bob/purge").get_data(as_text=True)
    assert "2 posts and 4 comments will be removed." in page
    assert 'name="reason"' in page


def test_purge_removes_exactly_their_content_and_keeps_counts_exact(client, auth, purge_scene):
    auth.login("root")
    response = submit(
        client,
        "/admin/people/bob/purge",
        {"reason": "Spam account"},
        follow_redirects=True,
    )
    assert "Removed 2 posts and 4 comments by bob." in response.get_data(as_text=True)
    db.session.expire_all()
    bob, alice, root = purge_scene["bob"], purge_scene["alice"], purge_scene["root"]
    assert (
        db.session.scalar(
            select(func.count()).where(Post.author_id == bob, Post.removed_at.is_(None))
        )
        == 0
    )
    assert (
        db.session.scalar(
            select(func.count()).where(
                Comment.author_id == bob, Comment.removed_at.is_(None), Comment.deleted_at.is_(None)
            )
        )
        == 0
    )
    # The already-removed post keeps its moderator and reason; the new ones name the purge.
    removals = dict(
        db.session.execute(
            select(Post.title, Post.removal_reason).where(Post.author_id == bob)
        ).all()
    )
    assert removals == {"Bob 1": "Spam account", "Bob 2": "Spam account", "Bob 3": "Off topic"}
    assert set(
        db.session.scalars(select(Post.removed_by_id).where(Post.title.in_(["Bob 1", "Bob 2"])))
    ) == {root}
    # Alice's things are untouched.
    assert (
        db.session.scalar(
            select(func.count()).where(Comment.author_id == alice, Comment.removed_at.is_not(None))
        )
        == 0
    )
    assert (
        db.session.scalar(
            select(func.count()).where(Post.author_id == alice, Post.removed_at.is_not(None))
        )
        == 0
    )
    recounts_match()
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "purge_user")
    ).one()
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.target_label) == (
        root,
        "user",
        bob,
        "bob",
    )
    assert entry.reason == "Spam account"


def test_purge_without_reason_asks_again(client, auth, purge_scene):
    auth.login("root")
    response = submit(client, "/admin/people/bob/purge", {"reason": " "})
    assert response.status_code == 422
    assert "Say why everything this person wrote is removed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Post.removed_at.is_not(None))) == 1


def test_purging_twice_removes_nothing_more(app, purge_scene):
    root, bob = purge_scene["root"], purge_scene["bob"]
    first = act(app, lambda: services.purge_user(person(root), person(bob), "Spam"))
    second = act(app, lambda: services.purge_user(person(root), person(bob), "Spam"))
    assert (first.posts, first.comments, second.posts, second.comments) == (2, 4, 0, 0)
    recounts_match()


# -- Two admins demoting each other at once ------------------------------------------


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL for parallel writers")
def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, tmp_path):
    with fresh_database(tmp_path, "demotions") as url:
        engine = create_engine(url, pool_size=5)
        Base.metadata.create_all(engine)
        original = db.session
        db.session = scoped_session(sessionmaker(bind=engine))
        try:
            ids = []
            for name in ("ann", "ben"):
                user = User(email=f"{name}@example.org", password_hash="x", is_admin=True)
                user.profile = Profile(username=name)
                db.session.add(user)
                db.session.flush()
                ids.append(user.id)
            db.session.commit()
            barrier = threading.Barrier(2)
            errors: list[Exception] = []

            def demote(actor_id, target_id):
                with app.test_request_context():
                    try:
                        actor, target = person(actor_id), person(target_id)
                        barrier.wait(timeout=10)
                        with unit_of_work():
                            services.set_admin(actor, target, False)
                    except Exception as error:  # asserted below
                        errors.append(error)
                    finally:
                        db.session.remove()

            threads = [
                threading.Thread(target=demote, args=(ids[0], ids[1])),
                threading.Thread(target=demote, args=(ids[1], ids[0])),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            admins = db.session.scalar(select(func.count()).where(User.is_admin.is_(True)))
            assert admins == 1
            assert len(errors) == 1 and isinstance(errors[0], DomainError)
        finally:
            db.session.remove()
            db.session = original
            engine.dispose()
