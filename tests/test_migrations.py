"""One Alembic history that builds, checks and removes the schema on both engines,
through the same `flask db` commands operators run."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import create_engine, inspect

from tests.support.databases import fresh_database
from webapp.config import PROJECT_ROOT
from webapp.models import Base


def flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "migration-test-secret-0123456789abcdef",
        "QUORUM_ENV": "development",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def table_names(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_check_and_downgrade_on_an_empty_database(tmp_path):
    with fresh_database(tmp_path, "migrations") as database_url:
        upgraded = flask(database_url, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        search_tables = {name for name in table_names(database_url) if "_fts" in name}
        assert table_names(database_url) - search_tables == set(Base.metadata.tables) | {
            "alembic_version"
        }

        checked = flask(database_url, "db", "check")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "No new upgrade operations detected" in checked.stdout + checked.stderr

        downgraded = flask(database_url, "db", "downgrade", "base")
        assert downgraded.returncode == 0, downgraded.stderr
        assert table_names(database_url) == {"alembic_version"}

        again = flask(database_url, "db", "upgrade")
        assert again.returncode == 0, again.stderr


def test_the_moderation_log_keeps_its_entries_when_renamed(tmp_path):
    """0004 moves admin_actions to moderation_actions: entries and their ids survive,
    new entries continue the numbering, and a downgrade moves them back."""
    from sqlalchemy import text

    with fresh_database(tmp_path, "rename") as database_url:
        assert flask(database_url, "db", "upgrade", "0003").returncode == 0
        engine = create_engine(database_url)
        try:
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO admin_actions (id, action, target_type, reason, created_at)"
                        " VALUES (7, 'pin_post', 'post', 'old entry', CURRENT_TIMESTAMP)"
                    )
                )
            upgraded = flask(database_url, "db", "upgrade")
            assert upgraded.returncode == 0, upgraded.stderr
            with engine.begin() as connection:
                rows = connection.execute(
                    text("SELECT id, action, reason FROM moderation_actions")
                ).all()
                assert [tuple(row) for row in rows] == [(7, "pin_post", "old entry")]
                connection.execute(
                    text(
                        "INSERT INTO moderation_actions (action, target_type, reason, created_at)"
                        " VALUES ('lock_post', 'post', 'new entry', CURRENT_TIMESTAMP)"
                    )
                )
                new_id = connection.execute(
                    text("SELECT id FROM moderation_actions WHERE reason = 'new entry'")
                ).scalar_one()
                assert new_id > 7
            downgraded = flask(database_url, "db", "downgrade", "0003")
            assert downgraded.returncode == 0, downgraded.stderr
            with engine.begin() as connection:
                count = connection.execute(text("SELECT count(*) FROM admin_actions")).scalar_one()
                assert count == 2
        finally:
            engine.dispose()
