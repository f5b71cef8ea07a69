"""Migration 0007 cleans names stored before names were cleaned on save."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from tests.support.databases import fresh_database
from tests.test_migrations import flask


def test_stored_names_lose_bidi_controls_and_keep_persian_joiners(tmp_path):
    with fresh_database(tmp_path, "names") as url:
        assert flask(url, "db", "upgrade", "0006").returncode == 0
        engine = create_engine(url)
        try:
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
                        "INSERT INTO profiles (user_id, username, display_name, first_name,"
                        " last_name, bio_html, website, updated_at)"
                        " VALUES (1, 'mallory', :d, :f, '', '', '', CURRENT_TIMESTAMP)"
                    ),
                    {"d": "\u202eecila\u202c\u200b", "f": "می\u200cخوانم"},
                )
                run(
                    text(
                        "INSERT INTO communities (id, name, title, description, rules,"
                        " creator_id, created_at, member_count, post_count) VALUES"
                        " (1, 'books', :t, '', '', 1, CURRENT_TIMESTAMP, 0, 0),"
                        " (2, 'empty', :e, '', '', 1, CURRENT_TIMESTAMP, 0, 0)"
                    ),
                    {"t": "Books\u2066 \u2069Club", "e": "\u2067\u2069"},
                )
            result = flask(url, "db", "upgrade")
            assert result.returncode == 0, result.stderr
            with engine.connect() as connection:
                profile = connection.execute(
                    text("SELECT display_name, first_name FROM profiles")
                ).one()
                titles = dict(connection.execute(text("SELECT name, title FROM communities")).all())
        finally:
            engine.dispose()
    assert profile == ("ecila", "می\u200cخوانم")  # the Persian ZWNJ stays
    assert titles == {"books": "Books Club", "empty": "empty"}
