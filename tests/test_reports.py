"""Reports: filing one (once per item, never your own), the queues (who sees what),
resolving in one step, and the open-report count in the header."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tests.support.forms import submit
from webapp.extensions import db
from webapp.models import Comment, ModerationAction, Post, Report, User

THANKS = "Thank you. The moderators will look at your report."


@dataclass
class World:
    alice: int  # owns /c/books
    carol: int  # owns /c/films
    bob: int  # writes
    dave: int  # reports
    books: int
    films: int
    post: int  # bob's, in books
    comment: int  # bob's, on that post
    film_post: int  # bob's, in films


@pytest.fixture
def world(make_user, content) -> World:
    alice, carol, bob, dave = (make_user(n) for n in ("alice", "carol", "bob", "dave"))
    books = content.community(alice, "books", "Books")
    films = content.community(carol, "films", "Films")
    post = content.post(bob, books, "Spammy post", "<p>Buy now</p>")
    comment = content.comment(bob, post, body="<p>Rude words</p>")
    film_post = content.post(bob, films, "Film post")
    return World(alice, carol, bob, dave, books, films, post, comment, film_post)


def make_admin(db_session, user_id: int) -> None:
    db_session.get(User, user_id).is_admin = True
    db_session.commit()


def report_count(**where) -> int:
    statement = select(func.count()).select_from(Report).filter_by(**where)
    return db.session.scalar(statement)


def file(client, kind: str, target_id: int, reason="spam", details="", **kwargs):
    url = f"/report/{kind}/{target_id}"
    return submit(client, url, {"reason": reason, "details": details}, **kwargs)


def header_count(client) -> int | None:
    html = client.get("/c/").get_data(as_text=True)
    match = re.search(r'class="reports-link".*?class="count-badge[^"]*">(\d+)<', html, re.S)
    return int(match.group(1)) if match else None


# -- Filing -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["post", "comment", "user", "community"])
def test_each_kind_is_reported_once_with_a_thank_you(client, auth, world, kind):
    target = {"post": world.post, "comment": world.comment, "user": world.bob}.get(
        kind, world.books
    )
    auth.login("dave")
    response = file(client, kind, target, "harassment", "  They keep at it.  ")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert THANKS in page

    report = db.session.scalars(select(Report)).one()
    assert (report.reporter_id, report.target_type, report.target_id) == (world.dave, kind, target)
    assert (report.reason, report.details, report.status) == (
        "harassment",
        "They keep at it.",
        "open",
    )
    expected_owner = {"post": world.bob, "comment": world.bob, "user": world.bob}.get(kind)
    expected_community = world.books if kind in ("post", "comment") else None
    assert (report.target_user_id, report.community_id) == (expected_owner, expected_community)

    again = file(client, kind, target, "spam")
    assert again.status_code == 422
    assert "You have already reported this." in again.get_data(as_text=True)
    assert report_count() == 1
    # Opening the page again says so before anything is typed.
    assert "You have already reported this." in client.get(f"/report/{kind}/{target}").text


def test_the_report_page_offers_every_reason_with_its_label(client, auth, world):
    auth.login("dave")
    html = client.get(f"/report/post/{world.post}").get_data(as_text=True)
    for label in (
        "Spam",
        "Harassment",
        "Hate",
        "Violence or threats",
        "Illegal content",
        "Breaks the community",
        "Something else",
    ):
        assert label in html
    assert html.count('type="radio"') == 7 and "<legend>" in html


def test_nobody_reports_themselves_or_what_they_wrote(client, auth, world):
    auth.login("bob")
    for kind, target in (("post", world.post), ("comment", world.comment), ("user", world.bob)):
        assert client.get(f"/report/{kind}/{target}").status_code == 403
        response = submit(
            client, "/c/books", {"reason": "spam"}, post_url=f"/report/{kind}/{target}"
        )
        assert response.status_code == 403
    assert report_count() == 0


def test_guests_are_sent_to_sign_in_and_see_the_link(client, world):
    response = client.get(f"/report/post/{world.post}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    page = client.get(f"/p/{world.post}").headers["Location"]
    html = client.get(page).get_data(as_text=True)
    assert f'href="/report/post/{world.post}"' in html
    assert f'href="/report/comment/{world.comment}"' in html
    assert report_count() == 0


def test_report_links_show_on_others_things_only(client, auth, world):
    auth.login("bob")
    html = client.get(client.get(f"/p/{world.post}").headers["Location"]).text
    assert f"/report/post/{world.post}" not in html  # his own post
    assert f"/report/comment/{world.comment}" not in html
    assert f"/report/community/{world.books}" in html
    assert "/report/user/" not in client.get("/u/bob").text
    assert f"/report/user/{world.alice}" in client.get("/u/alice").text


def test_something_else_needs_details_and_what_was_typed_stays(client, auth, world):
    auth.login("dave")
    response = file(client, "post", world.post, "other", "   ")
    assert response.status_code == 422
    assert "Tell the moderators what is wrong." in response.text
    assert re.search(r'<input checked[^>]*value="other"', response.text)
    too_long = file(client, "post", world.post, "spam", "x" * 1001)
    assert too_long.status_code == 422 and "at most 1000 characters" in too_long.text
    assert "x" * 1001 in too_long.text
    no_reason = submit(client, f"/report/post/{world.post}", {"details": "hm"})
    assert no_reason.status_code == 422 and "Choose why you report this." in no_reason.text
    assert report_count() == 0


def test_a_removed_or_missing_thing_cannot_be_reported(client, auth, world):
    auth.login("dave")
    assert client.get("/report/post/999999").status_code == 404
    assert client.get("/report/thing/1").status_code == 404


# -- Queues ------------------------------------------------------------------------------


def _file_all(client, auth, world):
    """dave reports bob's post and comment (books), bob's film post (films), and bob."""
    auth.login("dave")
    file(client, "post", world.post, "spam", "Buy-now spam")
    file(client, "comment", world.comment, "harassment")
    file(client, "post", world.film_post, "hate", "Film hate")
    file(client, "user", world.bob, "other", "A spammer account")
    auth.logout()


def test_a_moderator_sees_only_their_communities_reports(client, auth, world):
    _file_all(client, auth, world)
    auth.login("alice")
    for url in ("/mod/reports", "/c/books/mod/reports"):
        html = client.get(url).text
        assert "Buy-now spam" in html and "Rude words" in html
        assert "Film hate" not in html and "A spammer account" not in html
    assert client.get("/c/films/mod/reports").status_code == 403
    assert client.get("/admin/reports").status_code == 403


def test_a_site_admin_sees_every_report(client, auth, world, db_session):
    _file_all(client, auth, world)
    make_admin(db_session, world.dave)
    auth.login("dave")
    html = client.get("/admin/reports").text
    for text in ("Buy-now spam", "Rude words", "Film hate", "A spammer account"):
        assert text in html
    people = client.get("/admin/reports?kind=user").text
    assert "A spammer account" in people and "Film hate" not in people


def test_people_who_moderate_nothing_get_403(client, auth, world):
    _file_all(client, auth, world)
    auth.login("bob")
    assert client.get("/mod/reports").status_code == 403
    assert client.get("/c/books/mod/reports").status_code == 403
    auth.logout()
    guest = client.get("/mod/reports")
    assert guest.status_code == 302 and "/auth/login" in guest.headers["Location"]


def test_the_queue_pages_with_a_cursor_newest_first(client, auth, world, make_user, content):
    auth.login("alice")
    for index in range(3):
        make_user(f"reader{index}")
    auth.logout()
    for index in range(3):
        auth.login(f"reader{index}")
        file(client, "post", world.post, "other", f"note number {index}")
        auth.logout()
    auth.login("alice")
    from webapp.reports import queue_views

    original = queue_views.PAGE_SIZE
    queue_views.PAGE_SIZE = 2
    try:
        first = client.get("/mod/reports").text
        assert (
            "note number 2" in first and "note number 1" in first and "note number 0" not in first
        )
        assert first.index("note number 2") < first.index("note number 1")
        older = re.search(r'href="(/mod/reports\?cursor=[^"]+)"', first).group(1)
        second = client.get(older.replace("&amp;", "&")).text
        assert "note number 0" in second and "note number 2" not in second
    finally:
        queue_views.PAGE_SIZE = original
    assert "3 reports" in first


def test_the_queue_costs_the_same_statements_for_2_and_20_reports(
    client, auth, world, make_user, count_statements
):
    def statements_for(count: int) -> int:
        for index in range(count):
            name = f"r{count}x{index}"
            make_user(name)
            auth.login(name)
            file(
                client,
                "post" if index % 2 else "comment",
                world.post if index % 2 else world.comment,
                "spam",
            )
            auth.logout()
        auth.login("alice")
        client.get("/mod/reports")
        with count_statements() as counter:
            assert client.get("/mod/reports").status_code == 200
        auth.logout()
        db.session.execute(Report.__table__.delete())
        db.session.commit()
        return counter.count

    assert statements_for(2) == statements_for(20)


# -- Resolving ---------------------------------------------------------------------------


def _resolve(client, queue: str, report_id: int, outcome: str, reason: str, days="", **kwargs):
    prefix = f"report-{report_id}-"
    resolve_url = (
        f"/admin/reports/{report_id}/resolve"
        if queue.startswith("/admin")
        else f"/mod/reports/{report_id}/resolve"
    )
    data = {prefix + "outcome": outcome, prefix + "reason": reason, prefix + "ban_days": days}
    return submit(client, queue, data, post_url=resolve_url, **kwargs)


def _report_id(**where) -> int:
    return db.session.scalars(select(Report.id).filter_by(**where)).first()


def test_removing_closes_every_report_of_the_post_and_keeps_the_outcome(
    client, auth, world, make_user
):
    _file_all(client, auth, world)
    make_user("erin")
    auth.login("erin")
    file(client, "post", world.post, "spam")
    auth.logout()
    auth.login("alice")
    report_id = _report_id(target_type="post", target_id=world.post, reporter_id=world.dave)
    response = _resolve(client, "/mod/reports", report_id, "removed", "  Spam, plainly.  ")
    assert response.status_code == 303

    db.session.expire_all()
    post = db.session.get(Post, world.post)
    assert post.removed_at is not None and post.removal_reason == "Spam, plainly."
    closed = db.session.scalars(
        select(Report).where(Report.target_type == "post", Report.target_id == world.post)
    ).all()
    assert len(closed) == 2
    for report in closed:
        assert (report.status, report.resolved_by_id, report.resolution_reason) == (
            "removed",
            world.alice,
            "Spam, plainly.",
        )
        assert report.resolved_at is not None
    assert report_count(status="open", target_type="comment") == 1  # other items stay open
    log = db.session.scalars(select(ModerationAction.action)).all()
    assert log.count("remove_post") == 1

    resolved = client.get("/mod/reports?state=resolved").text
    assert "Removed" in resolved and "Spam, plainly." in resolved
    again = _resolve(client, "/mod/reports", report_id, "dismissed", "changed my mind")
    assert again.status_code in (409, 422, 303)
    assert db.session.get(Report, report_id).status == "removed"  # the outcome stays


def test_dismissing_records_it_in_the_log(client, auth, world):
    _file_all(client, auth, world)
    auth.login("alice")
    report_id = _report_id(target_type="comment")
    response = _resolve(
        client, "/mod/reports", report_id, "dismissed", "Rude, not against the rules."
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Report, report_id).status == "dismissed"
    assert db.session.get(Comment, world.comment).removed_at is None
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "dismiss_report")
    ).one()
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.reason) == (
        world.alice,
        "comment",
        world.comment,
        "Rude, not against the rules.",
    )
    assert entry.community_id == world.books


def test_a_resolution_needs_a_reason_and_the_form_keeps_what_was_typed(client, auth, world):
    _file_all(client, auth, world)
    auth.login("alice")
    report_id = _report_id(target_type="comment")
    response = _resolve(client, "/mod/reports", report_id, "dismissed", "   ")
    assert response.status_code == 422
    assert "Say why you resolve the report this way." in response.text
    long_one = _resolve(client, "/mod/reports", report_id, "dismissed", "y" * 501)
    assert long_one.status_code == 422 and "y" * 501 in long_one.text
    assert report_count(status="open") == 4


def test_htmx_resolution_answers_the_row_in_place(client, auth, world):
    _file_all(client, auth, world)
    auth.login("alice")
    report_id = _report_id(target_type="comment")
    response = _resolve(
        client, "/mod/reports", report_id, "dismissed", "fine", headers={"HX-Request": "true"}
    )
    html = response.text
    assert response.status_code == 200 and "<html" not in html
    assert f'id="report-{report_id}"' in html and "Dismissed" in html and "<form" not in html
    bad = _resolve(
        client,
        "/mod/reports",
        _report_id(target_type="post", target_id=world.post),
        "removed",
        "",
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 200 and "Say why you resolve the report this way." in bad.text


def test_moderators_cannot_resolve_person_reports_or_other_communities(client, auth, world):
    _file_all(client, auth, world)
    auth.login("alice")
    person = _report_id(target_type="user")
    films = _report_id(target_type="post", target_id=world.film_post)
    assert _resolve(client, "/mod/reports", person, "dismissed", "no").status_code == 404
    assert _resolve(client, "/mod/reports", films, "dismissed", "no").status_code == 404
    assert report_count(status="open") == 4


def test_the_service_refuses_a_moderator_of_another_community(app, world, db_session):
    from webapp.domain import DomainError
    from webapp.reports.services import resolve_report

    with app.test_request_context():
        db.session.add(
            Report(
                reporter_id=world.dave,
                target_type="post",
                target_id=world.film_post,
                target_user_id=world.bob,
                community_id=world.films,
                reason="spam",
            )
        )
        db.session.flush()
        report = db.session.scalars(select(Report)).one()
        with pytest.raises(DomainError) as refused:
            resolve_report(db.session.get(User, world.alice), report, "dismissed", "no")
        assert refused.value.status == 403


def _has(module: str, name: str) -> bool:
    import importlib

    return hasattr(importlib.import_module(module), name)


@pytest.mark.skipif(
    not _has("webapp.admin.services", "ban_user"), reason="admin ban_user not written yet"
)
def test_an_admin_bans_the_author_from_the_site(client, auth, world, db_session):
    _file_all(client, auth, world)
    make_admin(db_session, world.carol)
    auth.login("carol")
    report_id = _report_id(target_type="user")
    response = _resolve(client, "/admin/reports", report_id, "banned", "Spam account", "7")
    assert response.status_code == 303
    db.session.expire_all()
    bob = db.session.get(User, world.bob)
    assert bob.is_banned and bob.ban_reason == "Spam account" and bob.banned_until is not None
    report = db.session.get(Report, report_id)
    assert (report.status, report.resolved_by_id) == ("banned", world.carol)


@pytest.mark.skipif(
    not _has("webapp.communities.bans", "ban_from_community"),
    reason="ban_from_community not written yet",
)
def test_a_moderator_bans_the_author_from_the_community(client, auth, world):
    from webapp.communities.bans import active_ban

    _file_all(client, auth, world)
    auth.login("alice")
    report_id = _report_id(target_type="comment")
    response = _resolve(client, "/mod/reports", report_id, "banned", "Harassment", "")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Report, report_id).status == "banned"
    assert active_ban(world.bob, world.books) is not None
    assert not db.session.get(User, world.bob).is_banned  # not from the whole site


# -- The header's count -----------------------------------------------------------------


def test_the_header_counts_the_open_reports_a_person_can_act_on(client, auth, world, db_session):
    auth.login("alice")
    assert header_count(client) == 0
    auth.logout()
    _file_all(client, auth, world)
    auth.login("alice")
    assert header_count(client) == 2  # books: the post and the comment
    _resolve(client, "/mod/reports", _report_id(target_type="comment"), "dismissed", "ok")
    assert header_count(client) == 1
    auth.logout()
    auth.login("dave")
    assert header_count(client) is None  # moderates nothing
    auth.logout()
    make_admin(db_session, world.carol)
    auth.login("carol")
    assert header_count(client) == 3
