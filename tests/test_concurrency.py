"""Counters stay exact when many people act at once (PostgreSQL: real parallel writers;
SQLite serializes writers by design, so there is nothing to race there)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.support.databases import fresh_database, is_postgres
from webapp.communities import services
from webapp.extensions import db
from webapp.models import Base, Community, Membership, Profile, User
from webapp.unit_of_work import unit_of_work

pytestmark = pytest.mark.skipif(
    not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL) for parallel writers"
)


@pytest.fixture
def committing_db(app, tmp_path):
    """A real, committed database with a session per thread, like separate requests."""
    with fresh_database(tmp_path, "concurrency") as url:
        engine = create_engine(url, pool_size=25, max_overflow=10)
        Base.metadata.create_all(engine)
        original = db.session
        db.session = scoped_session(sessionmaker(bind=engine))
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            engine.dispose()


def run_together(app, actions) -> list[Exception]:
    barrier = threading.Barrier(len(actions))
    errors: list[Exception] = []

    def run(action):
        with app.test_request_context():
            try:
                barrier.wait(timeout=10)
                with unit_of_work():  # one request's transaction
                    action()
            except Exception as error:  # collected and asserted on below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def make_people(count: int) -> list[int]:
    ids = []
    for index in range(count):
        user = User(email=f"p{index}@example.org", password_hash="x")
        user.profile = Profile(username=f"person_{index}")
        db.session.add(user)
        db.session.flush()
        ids.append(user.id)
    db.session.commit()
    return ids


def member_count(community_id: int) -> tuple[int, int]:
    db.session.expire_all()
    stored = db.session.get(Community, community_id).member_count
    actual = db.session.scalar(
        select(func.count()).select_from(Membership).where(Membership.community_id == community_id)
    )
    return stored, actual


def test_parallel_joins_and_leaves_keep_member_count_exact(app, committing_db):
    people = make_people(21)
    with app.test_request_context(), unit_of_work():
        owner = db.session.get(User, people[0])
        community_id = services.create_community(owner, "busy", "Busy", "", "").id
    db.session.remove()

    def join(user_id):
        return lambda: services.join_community(
            db.session.get(User, user_id), db.session.get(Community, community_id)
        )

    def leave(user_id):
        return lambda: services.leave_community(
            db.session.get(User, user_id), db.session.get(Community, community_id)
        )

    assert run_together(app, [join(uid) for uid in people[1:]]) == []
    assert member_count(community_id) == (21, 21)
    # One person pressing join twenty times at once is still one membership.
    assert run_together(app, [join(people[1])] * 20) == []
    assert member_count(community_id) == (21, 21)
    assert run_together(app, [leave(uid) for uid in people[1:]] + [leave(people[5])] * 5) == []
    assert member_count(community_id) == (1, 1)


def test_parallel_votes_keep_score_equal_to_the_sum_of_votes(app, committing_db):
    from webapp.models import Post, PostVote
    from webapp.votes import services as vote_services

    people = make_people(21)
    with app.test_request_context(), unit_of_work():
        owner = db.session.get(User, people[0])
        community = services.create_community(owner, "votes", "Votes", "", "")
        from webapp.posts import services as post_services

        post_id = post_services.submit_post(owner, community, "Popular", "", None, []).id
    db.session.remove()

    def cast(user_id, value):
        return lambda: vote_services.vote_on_post(
            db.session.get(User, user_id), db.session.get(Post, post_id), value
        )

    # Twenty different people, half up and half down, all at once.
    actions = [cast(uid, 1 if index % 2 else -1) for index, uid in enumerate(people[1:])]
    assert run_together(app, actions) == []
    # One person flipping twenty times at once: whatever order wins, one vote remains.
    assert run_together(app, [cast(people[1], (-1, 1)[i % 2]) for i in range(20)]) == []
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    votes = db.session.scalars(select(PostVote.value).where(PostVote.post_id == post_id)).all()
    assert post.score == sum(votes)
    assert post.upvotes == votes.count(1) and post.downvotes == votes.count(-1)
    assert len(votes) == 20


def test_racing_deletes_and_removals_count_once(app, committing_db):
    from webapp.comments import queries as comment_queries
    from webapp.comments import services as comment_services
    from webapp.models import Comment, Post
    from webapp.posts import services as post_services

    people = make_people(3)
    with app.test_request_context(), unit_of_work():
        owner, writer = db.session.get(User, people[0]), db.session.get(User, people[1])
        community = services.create_community(owner, "races", "Races", "", "")
        post_id = post_services.submit_post(writer, community, "Racy", "", None, []).id
        comment_ids = [
            comment_services.add_comment(
                writer, db.session.get(Post, post_id), None, f"<p>{i}</p>"
            ).id
            for i in range(5)
        ]
    db.session.remove()

    def delete(comment_id):
        return lambda: comment_services.delete_comment(
            db.session.get(User, people[1]), comment_queries.comment_with_post(comment_id)
        )

    def remove(comment_id):
        return lambda: comment_services.remove_comment(
            db.session.get(User, people[0]), comment_queries.comment_with_post(comment_id), "spam"
        )

    actions = []
    for comment_id in comment_ids[:3]:
        actions += [delete(comment_id)] * 3 + [remove(comment_id)] * 2
    errors = run_together(app, actions)
    # Losing racers are told the comment is gone (403); nothing else may fail.
    assert all(getattr(error, "status", None) == 403 for error in errors), errors
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    visible = db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(
            Comment.post_id == post_id, Comment.deleted_at.is_(None), Comment.removed_at.is_(None)
        )
    )
    assert post.comment_count == visible == 2


def test_comment_votes_racing_a_post_removal_keep_karma_exact(app, committing_db):
    """Votes on a comment while a moderator takes its post down: each vote is either
    counted before the removal (and taken back with it) or refused (409); the
    commenter's karma ends at 0, the comment's score at the sum of its votes."""
    from webapp.comments import services as comment_services
    from webapp.models import Comment, CommentVote, Post
    from webapp.posts import services as post_services
    from webapp.votes import services as vote_services

    people = make_people(22)
    with app.test_request_context(), unit_of_work():
        owner, writer = db.session.get(User, people[0]), db.session.get(User, people[1])
        community = services.create_community(owner, "takedown", "Takedown", "", "")
        post = post_services.submit_post(owner, community, "Soon gone", "", None, [])
        post_id = post.id
        comment_id = comment_services.add_comment(writer, post, None, "<p>Hi</p>").id
    db.session.remove()

    def cast(user_id, value):
        return lambda: vote_services.vote_on_comment(
            db.session.get(User, user_id), db.session.get(Comment, comment_id), value
        )

    def take_down():
        post_services.remove_post(
            db.session.get(User, people[0]), db.session.get(Post, post_id), "x"
        )

    actions = [cast(uid, 1 if index % 3 else -1) for index, uid in enumerate(people[2:])]
    errors = run_together(app, [*actions[:10], take_down, *actions[10:]])
    assert all(getattr(error, "status", None) == 409 for error in errors), errors
    db.session.expire_all()
    comment = db.session.get(Comment, comment_id)
    votes = db.session.scalars(
        select(CommentVote.value).where(CommentVote.comment_id == comment_id)
    ).all()
    assert comment.score == sum(votes) and len(votes) + len(errors) == 20
    assert db.session.get(Post, post_id).removed_at is not None
    assert db.session.get(User, people[1]).karma == 0
