"""Every denormalized counter equals a recount from the rows after every kind of write:
a post's votes, score and comments, a community's members and posts, a tag's posts, and
a person's posts, comments, karma, followers and following (the profile numbers, kept
by the services instead of being counted per view). Karma follows the README's rule: a
taken-down post takes its points, and its comments' points, out of their authors' karma
until it is restored."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from webapp.admin import services as admin_services
from webapp.comments import services as comment_services
from webapp.communities import bans, ownership
from webapp.communities import services as community_services
from webapp.counters import counter_mismatches, recount_all
from webapp.extensions import db
from webapp.models import Comment, Community, Post, Tag, User
from webapp.posts import services as post_services
from webapp.profiles import queries as profile_queries
from webapp.profiles import services as profile_services
from webapp.unit_of_work import unit_of_work
from webapp.votes import services as vote_services


@pytest.fixture
def write(app, db_session):
    """`write(lambda: service(...))`: one committed unit of work, as a request does,
    then every counter must equal its recount."""

    def run(action):
        with app.test_request_context(), unit_of_work():
            result = action()
        db.session.expire_all()
        assert counter_mismatches() == []
        return result

    return run


def person(user_id: int) -> User:
    return db.session.get(User, user_id)


def post(post_id: int) -> Post:
    return db.session.get(Post, post_id)


def comment(comment_id: int) -> Comment:
    return db.session.get(Comment, comment_id)


def numbers(user_id: int):
    with db.session.no_autoflush:
        db.session.expire_all()
        return profile_queries.profile_numbers(user_id)


@pytest.fixture
def world(make_user, content, write):
    """Alice owns "books" where Bob posts (tagged) and Carol comments; Dan is a reader."""
    ids = {name: make_user(name) for name in ("alice", "bob", "carol", "dan")}
    ids["books"] = content.community(ids["alice"])
    write(lambda: community_services.join_community(person(ids["bob"]), _books(ids)))
    write(lambda: community_services.join_community(person(ids["carol"]), _books(ids)))
    ids["post"] = content.post(ids["bob"], ids["books"], tags=["novels", "poetry"])
    ids["comment"] = content.comment(ids["carol"], ids["post"])
    ids["reply"] = content.comment(ids["bob"], ids["post"], parent_id=ids["comment"])
    assert counter_mismatches() == []
    return ids


def _books(ids) -> Community:
    return db.session.get(Community, ids["books"])


def test_a_fresh_database_and_a_built_world_have_exact_counters(world):
    assert numbers(world["bob"]) == profile_queries.ProfileNumbers(1, 1, 0, 0, 0)
    assert numbers(world["carol"]) == profile_queries.ProfileNumbers(0, 1, 0, 0, 0)


def test_votes_move_scores_and_their_authors_karma(world, write):
    write(lambda: vote_services.vote_on_post(person(world["carol"]), post(world["post"]), 1))
    write(lambda: vote_services.vote_on_post(person(world["dan"]), post(world["post"]), 1))
    write(
        lambda: vote_services.vote_on_comment(person(world["dan"]), comment(world["comment"]), -1)
    )
    write(
        lambda: vote_services.vote_on_comment(person(world["bob"]), comment(world["comment"]), -1)
    )
    write(lambda: vote_services.vote_on_comment(person(world["carol"]), comment(world["reply"]), 1))
    assert numbers(world["bob"]).karma == 2 + 1
    assert numbers(world["carol"]).karma == -2
    # Changing and clearing a vote moves the karma back.
    write(lambda: vote_services.vote_on_post(person(world["dan"]), post(world["post"]), -1))
    write(lambda: vote_services.vote_on_comment(person(world["bob"]), comment(world["comment"]), 0))
    assert numbers(world["bob"]).karma == 0 + 1
    assert numbers(world["carol"]).karma == -1


def test_posts_count_while_visible_and_take_their_discussion_karma_with_them(world, write):
    write(lambda: vote_services.vote_on_post(person(world["carol"]), post(world["post"]), 1))
    write(lambda: vote_services.vote_on_comment(person(world["dan"]), comment(world["comment"]), 1))
    write(lambda: vote_services.vote_on_comment(person(world["dan"]), comment(world["reply"]), 1))
    assert numbers(world["bob"]).karma == 2
    assert numbers(world["carol"]).karma == 1

    alice = world["alice"]
    write(lambda: post_services.remove_post(person(alice), post(world["post"]), "Off topic"))
    assert numbers(world["bob"]) == profile_queries.ProfileNumbers(0, 1, 0, 0, 0)
    assert numbers(world["carol"]).karma == 0  # her comment still counts as a comment
    assert numbers(world["carol"]).comments == 1
    assert db.session.scalar(select(Tag.post_count).where(Tag.name == "novels")) == 0

    write(lambda: post_services.restore_post(person(alice), post(world["post"])))
    assert numbers(world["bob"]) == profile_queries.ProfileNumbers(1, 1, 2, 0, 0)
    assert numbers(world["carol"]).karma == 1

    # Removed, then deleted by its author: restoring the removal brings nothing back.
    write(lambda: post_services.remove_post(person(alice), post(world["post"]), "Again"))
    write(lambda: post_services.delete_post(person(world["bob"]), post(world["post"])))
    write(lambda: post_services.restore_post(person(alice), post(world["post"])))
    assert numbers(world["bob"]) == profile_queries.ProfileNumbers(0, 1, 0, 0, 0)
    assert numbers(world["carol"]).karma == 0


def test_comment_deletes_removals_and_restores_keep_counts_and_karma(world, write):
    write(lambda: vote_services.vote_on_comment(person(world["dan"]), comment(world["comment"]), 1))
    carol, alice = world["carol"], world["alice"]
    write(lambda: comment_services.delete_comment(person(carol), comment(world["comment"])))
    assert numbers(carol) == profile_queries.ProfileNumbers(0, 0, 0, 0, 0)
    write(lambda: comment_services.undelete_comment(person(carol), comment(world["comment"])))
    assert numbers(carol) == profile_queries.ProfileNumbers(0, 1, 1, 0, 0)

    write(lambda: comment_services.remove_comment(person(alice), comment(world["comment"]), "No"))
    assert numbers(carol) == profile_queries.ProfileNumbers(0, 0, 0, 0, 0)
    write(lambda: comment_services.restore_comment(person(alice), comment(world["comment"])))
    assert numbers(carol) == profile_queries.ProfileNumbers(0, 1, 1, 0, 0)

    # A comment deleted while its post is down leaves the count but not the karma again.
    write(lambda: post_services.remove_post(person(alice), post(world["post"]), "Off topic"))
    write(lambda: comment_services.delete_comment(person(carol), comment(world["comment"])))
    write(lambda: post_services.restore_post(person(alice), post(world["post"])))
    assert numbers(carol) == profile_queries.ProfileNumbers(0, 0, 0, 0, 0)


def test_edits_pins_and_tag_changes_keep_counters(world, write):
    bob, alice = world["bob"], world["alice"]
    write(
        lambda: post_services.edit_post(
            person(bob), post(world["post"]), "New title", "<p>New</p>", None, ["poetry", "essays"]
        )
    )
    write(lambda: post_services.set_pinned(person(alice), post(world["post"]), True))
    write(lambda: post_services.set_locked(person(alice), post(world["post"]), True))
    new_post = write(
        lambda: post_services.submit_post(person(bob), _books(world), "Two", "", None, "")
    )
    assert numbers(bob).posts == 2
    assert new_post is not None


def test_follows_move_both_peoples_numbers_once(world, write):
    bob, carol, dan = world["bob"], world["carol"], world["dan"]
    write(lambda: profile_services.follow(person(carol), person(bob)))
    write(lambda: profile_services.follow(person(carol), person(bob)))  # twice is once
    write(lambda: profile_services.follow(person(dan), person(bob)))
    write(lambda: profile_services.follow(person(bob), person(carol)))
    assert (numbers(bob).followers, numbers(bob).following) == (2, 1)
    assert (numbers(carol).followers, numbers(carol).following) == (1, 1)
    write(lambda: profile_services.unfollow(person(carol), person(bob)))
    write(lambda: profile_services.unfollow(person(carol), person(bob)))  # nothing left
    assert (numbers(bob).followers, numbers(carol).following) == (1, 0)


def test_memberships_and_community_bans_keep_member_counts(world, write):
    books = world["books"]
    write(lambda: community_services.join_community(person(world["dan"]), _books(world)))
    write(lambda: community_services.leave_community(person(world["carol"]), _books(world)))
    write(
        lambda: bans.ban_from_community(
            person(world["alice"]), _books(world), person(world["bob"]), "Spam", None
        )
    )
    assert db.session.get(Community, books).member_count == 2


def test_an_admins_purge_takes_everything_out_of_every_number(world, make_user, content, write):
    admin_id = make_user("admin")
    write(lambda: db.session.execute(update(User).where(User.id == admin_id).values(is_admin=True)))
    write(lambda: vote_services.vote_on_post(person(world["carol"]), post(world["post"]), 1))
    write(lambda: vote_services.vote_on_comment(person(world["dan"]), comment(world["comment"]), 1))
    write(lambda: vote_services.vote_on_comment(person(world["dan"]), comment(world["reply"]), 1))
    # Bob also comments under Carol's post: that comment's points leave his karma too.
    carol_post = content.post(world["carol"], world["books"], title="Hers")
    bob_there = content.comment(world["bob"], carol_post)
    write(lambda: vote_services.vote_on_comment(person(world["dan"]), comment(bob_there), 1))
    assert numbers(world["bob"]) == profile_queries.ProfileNumbers(1, 2, 3, 0, 0)

    write(lambda: admin_services.purge_user(person(admin_id), person(world["bob"]), "Spam"))
    assert numbers(world["bob"]) == profile_queries.ProfileNumbers(0, 0, 0, 0, 0)
    # Carol's comment is under Bob's purged post: still a comment, no longer karma.
    assert numbers(world["carol"]) == profile_queries.ProfileNumbers(1, 1, 0, 0, 0)


def test_deleting_a_community_takes_its_content_out_of_peoples_numbers(
    world, make_user, content, write
):
    admin_id = make_user("admin")
    write(lambda: db.session.execute(update(User).where(User.id == admin_id).values(is_admin=True)))
    elsewhere = content.community(world["dan"], name="poems", title="Poems")
    kept = content.post(world["bob"], elsewhere)
    write(lambda: vote_services.vote_on_post(person(world["carol"]), post(world["post"]), 1))
    write(lambda: vote_services.vote_on_post(person(world["carol"]), post(kept), 1))
    write(lambda: vote_services.vote_on_comment(person(world["dan"]), comment(world["comment"]), 1))
    write(lambda: profile_services.follow(person(world["carol"]), person(world["bob"])))

    write(lambda: ownership.delete_community(person(admin_id), _books(world), "Closed"))
    assert numbers(world["bob"]) == profile_queries.ProfileNumbers(1, 0, 1, 1, 0)
    assert numbers(world["carol"]) == profile_queries.ProfileNumbers(0, 0, 0, 0, 1)


def test_recount_all_repairs_every_kind_of_counter_in_one_pass(world, app, write):
    write(lambda: vote_services.vote_on_post(person(world["carol"]), post(world["post"]), 1))
    write(lambda: vote_services.vote_on_comment(person(world["dan"]), comment(world["comment"]), 1))
    hot_before = post(world["post"]).hot
    broken = [
        update(Post).values(upvotes=7, downvotes=0, score=7, comment_count=9),
        update(Comment).values(upvotes=0, downvotes=3, score=-3),
        update(Community).values(member_count=0, post_count=5),
        update(Tag).values(post_count=4),
        update(User).values(
            post_count=3, comment_count=3, karma=99, follower_count=1, following_count=2
        ),
    ]
    for statement in broken:
        db.session.execute(statement)
    tables = {mismatch.table for mismatch in counter_mismatches()}
    assert tables == {"posts", "comments", "communities", "tags", "users"}

    changed = recount_all(db.session)
    assert counter_mismatches() == []
    assert changed["posts"] == 1 and changed["users"] == 4
    db.session.expire_all()
    assert post(world["post"]).hot == pytest.approx(hot_before, abs=1e-6)
    # Nothing left to change: a second pass writes no row.
    assert set(recount_all(db.session).values()) == {0}


def test_flask_recount_checks_and_repairs(world, app, runner):
    with app.test_request_context(), unit_of_work():
        db.session.execute(update(User).where(User.id == world["bob"]).values(karma=42))
    checked = runner.invoke(args=["recount", "--check"])
    assert checked.exit_code == 1
    assert f"users {world['bob']} karma: stored 42, counted 0" in checked.output
    fixed = runner.invoke(args=["recount"])
    assert fixed.exit_code == 0, fixed.output
    assert "users 1" in fixed.output
    assert runner.invoke(args=["recount", "--check"]).exit_code == 0


def test_a_profile_page_reads_its_numbers_in_one_statement(world, app, count_statements):
    with app.test_request_context(), count_statements() as counter:
        profile_queries.profile_numbers(world["bob"])
    assert counter.count == 1
    assert "count(" not in counter.statements[0].lower()
