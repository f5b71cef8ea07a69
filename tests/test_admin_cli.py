"""`flask admin ban|unban|promote|demote|list`: the same services and rules as the
pages, logged under an admin (--as, or the oldest admin); refusals exit non-zero."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import ModerationAction, User, utc_now


@pytest.fixture
def admins(make_user, db_session):
    """Two admins: root (the oldest) and second."""
    ids = {}
    for name in ("root", "second"):
        ids[name] = make_user(name)
        db_session.get(User, ids[name]).is_admin = True
    db_session.get(User, ids["root"]).created_at = utc_now() - timedelta(days=10)
    db_session.commit()
    return ids


def log_entries():
    return db.session.execute(
        select(
            ModerationAction.actor_id,
            ModerationAction.action,
            ModerationAction.target_label,
            ModerationAction.reason,
        ).order_by(ModerationAction.id)
    ).all()


def test_ban_with_days_stores_reason_and_end_logged_under_the_oldest_admin(
    runner, admins, make_user
):
    bob = make_user("bob")
    result = runner.invoke(args=["admin", "ban", "bob", "--reason", "Spam links", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Banned bob until ")
    db.session.expire_all()
    user = db.session.get(User, bob)
    assert user.ban_reason == "Spam links"
    left = user.banned_until - utc_now()
    assert timedelta(days=7) - timedelta(minutes=1) < left <= timedelta(days=7)
    assert log_entries() == [(admins["root"], "ban_user", "bob", "Spam links")]


def test_ban_without_end_and_as_another_admin(runner, admins, make_user):
    bob = make_user("bob")
    result = runner.invoke(args=["admin", "ban", "BOB", "--reason", "Spam", "--as", "second"])
    assert result.exit_code == 0, result.output
    assert "Banned bob until an admin lifts it." in result.output
    db.session.expire_all()
    assert db.session.get(User, bob).banned_until is None
    assert log_entries() == [(admins["second"], "ban_user", "bob", "Spam")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["admin", "ban", "bob", "--reason", " "], "Say why this person is banned."),
        (["admin", "ban", "nobody", "--reason", "x"], "There is no account named 'nobody'."),
        (["admin", "ban", "root", "--reason", "x"], "You cannot ban yourself."),
        (["admin", "ban", "second", "--reason", "x"], "remove their admin rights first"),
        (["admin", "ban", "bob", "--reason", "x", "--as", "bob"], "bob is not a site admin."),
        (["admin", "unban", "bob"], "This person is not banned."),
        (["admin", "demote", "root"], "another admin has to do it"),
    ],
)
def test_refusals_exit_non_zero_with_the_message(runner, admins, make_user, args, message):
    make_user("bob")
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    assert log_entries() == []


def test_ban_needs_a_reason_and_a_sane_number_of_days(runner, admins, make_user):
    make_user("bob")
    assert runner.invoke(args=["admin", "ban", "bob"]).exit_code != 0
    assert runner.invoke(args=["admin", "ban", "bob", "--reason", "x", "--days", "0"]).exit_code
    assert log_entries() == []


def test_unban_lifts_the_ban(runner, admins, make_user):
    bob = make_user("bob")
    runner.invoke(args=["admin", "ban", "bob", "--reason", "Spam"])
    result = runner.invoke(args=["admin", "unban", "bob", "--reason", "Appeal"])
    assert result.exit_code == 0, result.output
    assert "Lifted the ban of bob." in result.output
    db.session.expire_all()
    assert db.session.get(User, bob).banned_at is None
    assert [entry[1:] for entry in log_entries()] == [
        ("ban_user", "bob", "Spam"),
        ("unban_user", "bob", "Appeal"),
    ]


def test_promote_and_demote(runner, admins, make_user):
    bob = make_user("bob")
    result = runner.invoke(args=["admin", "promote", "bob"])
    assert result.exit_code == 0 and "bob is now a site admin." in result.output
    result = runner.invoke(args=["admin", "promote", "bob"])
    assert result.exit_code == 0 and "bob is already an admin." in result.output
    result = runner.invoke(args=["admin", "demote", "bob", "--as", "second"])
    assert result.exit_code == 0 and "bob is no longer a site admin." in result.output
    db.session.expire_all()
    assert not db.session.get(User, bob).is_admin
    assert [entry[:3] for entry in log_entries()] == [
        (admins["root"], "promote_admin", "bob"),
        (admins["second"], "demote_admin", "bob"),
    ]


def test_the_last_admin_cannot_be_demoted_from_the_command_line(runner, admins):
    assert runner.invoke(args=["admin", "demote", "second"]).exit_code == 0
    result = runner.invoke(args=["admin", "demote", "root", "--as", "root"])
    assert result.exit_code != 0
    db.session.expire_all()
    assert db.session.scalars(select(User.id).where(User.is_admin.is_(True))).all() == [
        admins["root"]
    ]


def test_without_any_admin_the_commands_say_how_to_make_one(runner, make_user):
    make_user("bob")
    result = runner.invoke(args=["admin", "ban", "bob", "--reason", "x"])
    assert result.exit_code != 0
    assert "flask create-admin" in result.output


def test_list_shows_admins_and_banned_people_with_reason_and_end(runner, admins, make_user):
    make_user("bob")
    make_user("carol")
    runner.invoke(args=["admin", "ban", "bob", "--reason", "Spam links"])
    runner.invoke(args=["admin", "ban", "carol", "--reason", "Rude", "--days", "2"])
    result = runner.invoke(args=["admin", "list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Admins (2):"
    assert lines[1] == "  root <root@example.org>"
    assert lines[2] == "  second <second@example.org>"
    assert lines[3] == "Banned (2):"
    assert lines[4] == "  bob (no end): Spam links"
    assert lines[5].startswith("  carol (until ") and lines[5].endswith(" UTC): Rude")
