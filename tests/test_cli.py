"""Command-line tools."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from sqlalchemy import func, select

from webapp import create_app
from webapp.config import PROJECT_ROOT
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


@pytest.fixture
def translate(app, tmp_path):
    """Run `flask translate …` on a copy of the catalogs (the real ones stay untouched)."""
    from tests.conftest import suite_settings

    copy = tmp_path / "translations"
    shutil.copytree(
        PROJECT_ROOT / "translations", copy, ignore=shutil.ignore_patterns("*.mo", "*.pot")
    )
    settings = suite_settings(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "instance")
    settings["BABEL_TRANSLATION_DIRECTORIES"] = str(copy)
    runner = create_app(settings).test_cli_runner()

    def run(*args: str):
        result = runner.invoke(args=["translate", *args])
        assert result.exit_code == 0, result.output
        return result.output

    run.directory = copy  # type: ignore[attr-defined]
    return run


def catalog_files(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.parents[1].name: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(directory.glob("*/LC_MESSAGES/messages.po"))
    }


def test_translate_update_rewrites_only_catalogs_whose_messages_changed(translate):
    """No re-wrapping, no new POT-Creation-Date: an update with nothing new writes
    nothing, and a change to one catalog rewrites that one alone."""
    translate("update")  # brings the copy up to date with today's sources
    before = catalog_files(translate.directory)
    output = translate("update")
    assert catalog_files(translate.directory) == before
    assert sorted(before) == ["de", "es", "fa"]
    assert all(f"{code}: unchanged" in output for code in before)

    es = translate.directory / "es" / "LC_MESSAGES" / "messages.po"
    with es.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    del catalog["Sign in"]  # a string the Spanish catalog lacks
    with es.open("wb") as handle:
        write_po(handle, catalog, width=0)
    before = catalog_files(translate.directory)
    output = translate("update")
    after = catalog_files(translate.directory)
    assert "es: updated" in output
    assert after["de"] == before["de"] and after["fa"] == before["fa"]
    assert 'msgid "Sign in"\nmsgstr ""\n' in es.read_text("utf-8")


def test_translate_extract_writes_contexts_comments_and_project_headers(translate):
    translate("extract")
    pot = (translate.directory / "messages.pot").read_text("utf-8")
    assert '"Project-Id-Version: Quorum ' in pot and "Quorum contributors" in pot
    assert "PROJECT" not in pot and "ORGANIZATION" not in pot
    assert "#. Translators: a language menu entry" in pot
    assert 'msgctxt "follow button"\nmsgid "Following · Unfollow"' in pot
    assert pot.count('msgid ""\n') == 1  # one line per message: nothing to re-wrap
