"""Command-line tools."""

from __future__ import annotations

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Comment, Community, Post, PostVote, User


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_fills_an_empty_database_with_consistent_counts(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo added" in result.output
    assert count(User) >= 5 and count(Community) >= 4 and count(Post) >= 30
    assert count(Comment) > 10
    for community in db.session.scalars(select(Community)):
        posts = db.session.scalar(select(func.count()).where(Post.community_id == community.id))
        assert community.post_count == posts
    for post in db.session.scalars(select(Post)):
        votes = db.session.scalar(
            select(func.coalesce(func.sum(PostVote.value), 0)).where(PostVote.post_id == post.id)
        )
        assert post.score == votes
        comments = db.session.scalar(
            select(func.count()).select_from(Comment).where(Comment.post_id == post.id)
        )
        assert post.comment_count == comments


def test_seed_demo_if_empty_leaves_existing_content_alone(runner, make_user):
    make_user("alice")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "already has content" in result.output
    assert count(User) == 1
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0


def test_demo_users_can_sign_in(runner, auth, client):
    runner.invoke(args=["seed-demo"])
    response = auth.login("alice", "demo-password-1")
    assert response.status_code == 302


def test_create_admin_creates_or_promotes(runner, make_user):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "root@example.org",
            "--username",
            "root_admin",
            "--password",
            "a long admin passphrase",
        ],
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "root@example.org"))
    assert admin.is_admin and admin.profile.username == "root_admin"

    make_user("bob")
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "BOB@example.org",
            "--username",
            "ignored",
            "--password",
            "irrelevant passphrase",
        ],
    )
    assert result.exit_code == 0 and "Promoted" in result.output
    assert db.session.scalar(select(User.is_admin).where(User.email == "bob@example.org"))


def test_create_admin_rejects_a_weak_password(runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "x@example.org",
            "--username",
            "xadmin",
            "--password",
            "short",
        ],
    )
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    assert count(User) == 0
