"""The API's reports: filing one (once, never yourself), the queue of the token's owner
(site admins: all; moderators: their communities'; others: 403), and resolving one with
the same service and rules as /admin/reports and /mod/reports."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Comment, CommunityBan, Post, Report, User


@pytest.fixture
def place(make_user, content):
    """alice owns (moderates) books, where bob posted and carol commented."""
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    community = content.community(alice)
    post_id = content.post(bob, community, "Cheap watches", "<p>Buy now</p>")
    comment_id = content.comment(carol, post_id, body="<p>Rude words</p>")
    return {
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "community": community,
        "post": post_id,
        "comment": comment_id,
    }


def _admin(api_as, make_user, db_session):
    user_id = make_user("root")
    db_session.get(User, user_id).is_admin = True
    db_session.commit()
    return api_as("root")


def test_filing_a_report_is_201_with_the_report(api_as, place, db_session):
    response = api_as("carol").post(
        "/reports", json={"kind": "post", "id": place["post"], "reason": "spam"}
    )
    assert response.status_code == 201
    body = response.get_json()
    report = db_session.get(Report, body["id"])
    assert body == {
        "id": report.id,
        "kind": "post",
        "target_id": place["post"],
        "reason": "spam",
        "details": "",
        "status": "open",
        "created_at": body["created_at"],
    }
    assert report.community_id == place["community"] and report.target_user_id == place["bob"]


def test_a_second_report_of_the_same_item_is_409(api_as, place):
    carol = api_as("carol")
    item = {"kind": "post", "id": place["post"], "reason": "spam"}
    assert carol.post("/reports", json=item).status_code == 201
    again = carol.post("/reports", json=item)
    assert again.status_code == 409
    assert again.get_json()["error"] == {
        "code": "conflict",
        "message": "You have already reported this.",
        "fields": {},
    }


def test_reporting_yourself_or_your_words_is_403(api_as, place):
    bob = api_as("bob")
    for kind, target in (("post", place["post"]), ("user", place["bob"])):
        response = bob.post("/reports", json={"kind": kind, "id": target, "reason": "spam"})
        assert response.status_code == 403
        assert (
            response.get_json()["error"]["message"]
            == "You cannot report yourself or what you wrote."
        )


def test_report_input_errors(client, api_as, place):
    carol = api_as("carol")
    assert (
        carol.post("/reports", json={"kind": "post", "id": 999, "reason": "spam"}).status_code
        == 404
    )
    bad = carol.post("/reports", json={"kind": "thing", "id": 1, "reason": "meh"})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"kind", "reason"}
    other = carol.post("/reports", json={"kind": "post", "id": place["post"], "reason": "other"})
    assert other.status_code == 422
    assert other.get_json()["error"]["fields"] == {
        "details": ["Tell the moderators what is wrong."]
    }
    long = {"kind": "post", "id": place["post"], "reason": "spam", "details": "x" * 1001}
    assert carol.post("/reports", json=long).status_code == 422
    assert api_as("carol", scope="read").post("/reports", json={}).status_code == 403
    assert client.post("/api/v1/reports", json={}).status_code == 401


def _file_reports(api_as, place):
    carol, dave = api_as("carol"), api_as("dave")
    for reporter in (carol, dave):
        assert (
            reporter.post(
                "/reports", json={"kind": "post", "id": place["post"], "reason": "spam"}
            ).status_code
            == 201
        )
    assert (
        api_as("bob")
        .post("/reports", json={"kind": "comment", "id": place["comment"], "reason": "harassment"})
        .status_code
        == 201
    )
    assert (
        carol.post(
            "/reports", json={"kind": "user", "id": place["bob"], "reason": "spam"}
        ).status_code
        == 201
    )


def test_the_moderators_queue_lists_their_communities_reports(api_as, place):
    _file_reports(api_as, place)
    response = api_as("alice").get("/reports")
    assert response.status_code == 200
    body = response.get_json()
    # A report of a person goes to site admins only.
    assert [item["kind"] for item in body["items"]] == ["comment", "post", "post"]
    assert body["next"] is None
    comment = body["items"][0]
    assert comment["item"]["excerpt"] == "Rude words"
    assert comment["item"]["title"] == "Cheap watches"
    assert comment["target_user"]["username"] == "carol"
    assert comment["reporter"]["username"] == "bob"
    assert comment["community"]["name"] == "books"
    assert body["items"][1]["open_reports_of_item"] == 2
    kinds = api_as("alice").get("/reports?kind=comment").get_json()["items"]
    assert [item["kind"] for item in kinds] == ["comment"]
    assert api_as("alice").get("/reports?state=resolved").get_json()["items"] == []
    assert api_as("alice").get("/reports?state=closed").status_code == 422


def test_admins_see_every_report_and_others_get_403(api_as, make_user, db_session, place):
    _file_reports(api_as, place)
    root = _admin(api_as, make_user, db_session)
    items = root.get("/reports").get_json()["items"]
    assert sorted(item["kind"] for item in items) == ["comment", "post", "post", "user"]
    refused = api_as("carol").get("/reports")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == "Only moderators can open this page."


def test_the_queue_is_paged_and_costs_the_same_for_2_or_20(
    api_as, make_user, content, place, count_statements
):
    alice = api_as("alice")
    alice.get("/me")

    def file(count: int) -> None:
        for index in range(count):
            name = f"reporter{len(db.session.scalars(select(User)).all())}_{index}"
            make_user(name)
            response = api_as(name).post(
                "/reports", json={"kind": "post", "id": place["post"], "reason": "spam"}
            )
            assert response.status_code == 201

    def cost() -> int:
        with count_statements() as counter:
            assert alice.get("/reports").status_code == 200
        return len(counter.statements)

    file(2)
    small = cost()
    file(18)
    assert cost() == small
    file(10)
    first = alice.get("/reports").get_json()
    assert len(first["items"]) == 25 and first["next"]
    second = alice.get(f"/reports?cursor={first['next']}").get_json()
    assert len(second["items"]) == 5 and second["next"] is None


def test_a_moderator_removes_reported_content_and_every_report_of_it_closes(
    api_as, place, db_session
):
    _file_reports(api_as, place)
    alice = api_as("alice")
    report_id = alice.get("/reports?kind=post").get_json()["items"][0]["id"]
    response = alice.post(
        f"/reports/{report_id}/resolve", json={"outcome": "removed", "reason": "Spam."}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["closed"] == 2
    assert body["report"]["status"] == "removed"
    assert body["report"]["resolver"]["username"] == "alice"
    assert body["report"]["resolution_reason"] == "Spam."
    assert body["report"]["item"]["is_removed"] is True
    db_session.expire_all()
    assert db_session.get(Post, place["post"]).removed_at is not None
    again = alice.post(
        f"/reports/{report_id}/resolve", json={"outcome": "dismissed", "reason": "x"}
    )
    assert again.status_code == 409


def test_a_moderators_ban_is_from_the_community(api_as, place, db_session):
    _file_reports(api_as, place)
    alice = api_as("alice")
    report_id = alice.get("/reports?kind=comment").get_json()["items"][0]["id"]
    response = alice.post(
        f"/reports/{report_id}/resolve",
        json={"outcome": "banned", "reason": "Rude.", "ban_days": 7},
    )
    assert response.status_code == 200
    db_session.expire_all()
    ban = db_session.scalars(select(CommunityBan)).one()
    assert ban.user_id == place["carol"] and ban.community_id == place["community"]
    assert db_session.get(User, place["carol"]).banned_at is None


def test_an_admins_ban_is_site_wide(api_as, make_user, db_session, place):
    _file_reports(api_as, place)
    root = _admin(api_as, make_user, db_session)
    report = next(i for i in root.get("/reports").get_json()["items"] if i["kind"] == "user")
    response = root.post(
        f"/reports/{report['id']}/resolve", json={"outcome": "banned", "reason": "Spammer."}
    )
    assert response.status_code == 200
    db_session.expire_all()
    assert db_session.get(User, place["bob"]).banned_at is not None
    # The banned person's token stops at once.
    assert api_as("bob").get("/me").status_code == 401


def test_resolving_outside_your_queue_or_with_a_wrong_outcome(api_as, place, db_session):
    _file_reports(api_as, place)
    person_report = db_session.scalar(select(Report.id).where(Report.target_type == "user"))
    alice = api_as("alice")
    # A report of a person is not in a moderator's queue.
    outside = alice.post(
        f"/reports/{person_report}/resolve", json={"outcome": "dismissed", "reason": "x"}
    )
    assert outside.status_code == 404
    assert (
        api_as("carol")
        .post(f"/reports/{person_report}/resolve", json={"outcome": "dismissed", "reason": "x"})
        .status_code
        == 403
    )
    comment_report = alice.get("/reports?kind=comment").get_json()["items"][0]["id"]
    missing = alice.post(f"/reports/{comment_report}/resolve", json={"outcome": "removed"})
    assert missing.status_code == 422
    assert missing.get_json()["error"]["fields"] == {"reason": ["This field is required."]}
    assert (
        alice.post("/reports/99999/resolve", json={"outcome": "removed", "reason": "x"}).status_code
        == 404
    )
    too_long = {"outcome": "banned", "reason": "x", "ban_days": 99999}
    assert alice.post(f"/reports/{comment_report}/resolve", json=too_long).status_code == 422
    assert db_session.get(Comment, place["comment"]).removed_at is None
