"""Migration 0006 lets tag names hold letters of every script: stored tags, their posts
and (on SQLite) their full-text index survive the upgrade; the database still refuses
what no tag holds; a downgrade is refused while a tag needs the new format."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from tests.support.databases import fresh_database
from tests.test_migrations import flask


def _add_tag(engine, name: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tags (name, post_count, created_at) VALUES (:n, 0, CURRENT_TIMESTAMP)"
            ),
            {"n": name},
        )


def _a_tagged_post(engine) -> None:
    with engine.begin() as connection:
        run = connection.execute
        run(
            text(
                "INSERT INTO users (id, email, password_hash, is_admin, created_at)"
                " VALUES (1, 'a@example.org', 'x', :no, CURRENT_TIMESTAMP)"
            ),
            {"no": False},
        )
        run(
            text(
                "INSERT INTO communities (id, name, title, description, rules, creator_id,"
                " created_at, member_count, post_count)"
                " VALUES (1, 'books', 'Books', '', '', 1, CURRENT_TIMESTAMP, 1, 1)"
            )
        )
        run(
            text(
                "INSERT INTO posts (id, community_id, author_id, title, body_html, body_text,"
                " created_at, score, upvotes, downvotes, comment_count, hot, is_pinned,"
                " is_locked) VALUES (1, 1, 1, 'Dune', '', '', CURRENT_TIMESTAMP, 0, 0, 0, 0,"
                " 0, :no, :no)"
            ),
            {"no": False},
        )
        run(
            text(
                "INSERT INTO tags (id, name, post_count, created_at)"
                " VALUES (7, 'sci-fi', 1, CURRENT_TIMESTAMP)"
            )
        )
        run(text("INSERT INTO post_tags (post_id, tag_id) VALUES (1, 7)"))


def test_upgrade_keeps_tags_and_admits_every_script(tmp_path):
    with fresh_database(tmp_path, "tags") as database_url:
        assert flask(database_url, "db", "upgrade", "0005").returncode == 0
        engine = create_engine(database_url)
        try:
            _a_tagged_post(engine)
            with pytest.raises(IntegrityError):
                _add_tag(engine, "bücher")

            upgraded = flask(database_url, "db", "upgrade")
            assert upgraded.returncode == 0, upgraded.stderr

            with engine.connect() as connection:
                kept = connection.execute(
                    text(
                        "SELECT tags.id, tags.name, tags.post_count FROM post_tags"
                        " JOIN tags ON tags.id = post_tags.tag_id WHERE post_tags.post_id = 1"
                    )
                ).all()
            assert [tuple(row) for row in kept] == [(7, "sci-fi", 1)]
            for name in ("bücher", "شعر", "東京", "می\u200cخوانم"):
                _add_tag(engine, name)
            for name in ("Books", "sci fi", "c++", "", "tab\there"):
                with pytest.raises(IntegrityError):
                    _add_tag(engine, name)
            if engine.dialect.name == "sqlite":  # the rebuilt table still feeds its index
                with engine.connect() as connection:
                    found = connection.execute(
                        text(
                            "SELECT tags.name FROM tags_fts JOIN tags ON tags.id = tags_fts.rowid"
                            " WHERE tags_fts MATCH :q ORDER BY tags.name"
                        ),
                        {"q": "sci OR شعر"},
                    ).scalars()
                    assert list(found) == ["sci-fi", "شعر"]

            refused = flask(database_url, "db", "downgrade", "0005")
            assert refused.returncode != 0
            assert "4 tag(s) use characters outside a-z0-9-" in refused.stderr
            with engine.begin() as connection:
                connection.execute(text("DELETE FROM tags WHERE id <> 7"))
            downgraded = flask(database_url, "db", "downgrade", "0005")
            assert downgraded.returncode == 0, downgraded.stderr
            with engine.connect() as connection:
                assert connection.execute(text("SELECT tag_id FROM post_tags")).scalar() == 7
            with pytest.raises(IntegrityError):
                _add_tag(engine, "bücher")
        finally:
            engine.dispose()
