"""The database itself holds the data model's rules, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError

from webapp.extensions import db
from webapp.models import (
    Comment,
    CommentVote,
    Community,
    Follow,
    Membership,
    Post,
    PostVote,
    Profile,
    Tag,
    User,
    comment_path,
)


def add_user(username: str, email: str | None = None) -> User:
    user = User(email=email or f"{username.lower()}@example.org", password_hash="x")
    user.profile = Profile(username=username)
    db.session.add(user)
    db.session.flush()
    return user


def add_community(owner: User, name: str = "books") -> Community:
    community = Community(
        name=name, title=name.title(), creator_id=owner.id, member_count=0, post_count=0
    )
    db.session.add(community)
    db.session.flush()
    return community


def add_post(author: User, community: Community, title: str = "Hello") -> Post:
    post = Post(
        community_id=community.id, author_id=author.id, title=title, upvotes=0, downvotes=0, score=0
    )
    db.session.add(post)
    db.session.flush()
    return post


def add_comment(author: User, post: Post, parent: Comment | None = None) -> Comment:
    comment = Comment(
        post_id=post.id,
        author_id=author.id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        upvotes=0,
        downvotes=0,
    )
    db.session.add(comment)
    db.session.flush()
    comment.path = comment_path(parent.path if parent else None, comment.id)
    db.session.flush()
    return comment


def expect_refused(statement_builder) -> None:
    """The database refuses the write; the session stays usable afterwards."""
    savepoint = db.session.begin_nested()
    with pytest.raises((IntegrityError, DataError)):  # too long is a DataError on PostgreSQL
        statement_builder()
        db.session.flush()
    savepoint.rollback()


def test_usernames_are_unique_whatever_their_case(db_session):
    add_user("Alice")
    expect_refused(lambda: add_user("aLiCe", email="other@example.org"))


@pytest.mark.parametrize("username", ["ab", "a" * 31, "has space", "dash-no", "ünïcode"])
def test_malformed_username_is_refused_by_the_database(db_session, username):
    expect_refused(lambda: add_user(username, email="x@example.org"))


def test_email_is_unique_and_stored_lowercase(db_session):
    add_user("alice", email="alice@example.org")
    expect_refused(lambda: add_user("alice2", email="alice@example.org"))
    expect_refused(lambda: add_user("carol", email="Carol@Example.org"))


def test_nobody_follows_themselves(db_session):
    alice = add_user("alice")
    expect_refused(lambda: db.session.add(Follow(follower_id=alice.id, followed_id=alice.id)))


def test_following_twice_is_refused_by_the_primary_key(db_session):
    alice, bob = add_user("alice"), add_user("bob")
    db.session.add(Follow(follower_id=alice.id, followed_id=bob.id))
    db.session.flush()
    db.session.expunge_all()
    expect_refused(lambda: db.session.add(Follow(follower_id=alice.id, followed_id=bob.id)))


@pytest.mark.parametrize("name", ["Books", "ab", "with space", "x" * 31, "semi;colon"])
def test_malformed_community_name_is_refused(db_session, name):
    alice = add_user("alice")
    expect_refused(lambda: add_community(alice, name))


def test_membership_role_must_be_known(db_session):
    alice = add_user("alice")
    books = add_community(alice)
    expect_refused(
        lambda: db.session.add(Membership(user_id=alice.id, community_id=books.id, role="king"))
    )


def test_vote_value_is_up_or_down(db_session):
    alice = add_user("alice")
    post = add_post(alice, add_community(alice))
    expect_refused(lambda: db.session.add(PostVote(user_id=alice.id, post_id=post.id, value=2)))
    comment = add_comment(alice, post)
    expect_refused(
        lambda: db.session.add(CommentVote(user_id=alice.id, comment_id=comment.id, value=0))
    )


def test_post_score_must_equal_upvotes_minus_downvotes(db_session):
    alice = add_user("alice")
    post = add_post(alice, add_community(alice))

    def break_score():
        post.score = 5

    expect_refused(break_score)


def test_reply_must_belong_to_the_same_post(db_session):
    alice = add_user("alice")
    books = add_community(alice)
    first, second = add_post(alice, books, "first"), add_post(alice, books, "second")
    parent = add_comment(alice, first)

    def reply_across_posts():
        db.session.add(
            Comment(
                post_id=second.id,
                author_id=alice.id,
                parent_id=parent.id,
                depth=1,
                upvotes=0,
                downvotes=0,
            )
        )

    expect_refused(reply_across_posts)


def test_comment_paths_order_a_thread_depth_first(db_session):
    alice = add_user("alice")
    post = add_post(alice, add_community(alice))
    top_a = add_comment(alice, post)
    top_b = add_comment(alice, post)
    reply_a = add_comment(alice, post, top_a)
    reply_reply = add_comment(alice, post, reply_a)
    ordered = db.session.scalars(
        select(Comment.id).where(Comment.post_id == post.id).order_by(Comment.path)
    ).all()
    assert ordered == [top_a.id, reply_a.id, reply_reply.id, top_b.id]
    assert reply_reply.depth == 2


def test_tag_names_are_normalized_in_the_database(db_session):
    db.session.add(Tag(name="python-3", post_count=0))
    db.session.flush()
    expect_refused(lambda: db.session.add(Tag(name="Python", post_count=0)))


def test_timestamps_come_back_as_aware_utc(db_session):
    moment = datetime(2026, 3, 1, 12, 30, tzinfo=UTC) + timedelta(microseconds=5)
    alice = add_user("alice")
    alice.last_login_at = moment
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(User, alice.id).last_login_at
    assert stored == moment and stored.tzinfo is not None


def test_deleting_a_user_keeps_their_posts_without_an_author(db_session):
    alice, bob = add_user("alice"), add_user("bob")
    post = add_post(bob, add_community(alice))
    db.session.delete(db.session.get(User, bob.id))
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Post, post.id).author_id is None
