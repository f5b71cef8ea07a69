"""tags in every script: tag names may hold letters beyond ASCII

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:00:00

Tag names were [a-z0-9-]; now they are letters, digits and marks of any script, which
the application checks exactly (webapp/tags/names.py). The database keeps refusing what
no tag name holds in ASCII (capitals, spaces, punctuation other than the hyphen,
control characters): its CHECK admits a-z, 0-9, "-" and every character from U+00A0 on.

PostgreSQL replaces the CHECK in place. SQLite cannot alter a CHECK, so the tags table
is rebuilt (same ids, counts, names of constraints and index). Dropping the old table
with foreign keys on deletes its post_tags rows (ON DELETE CASCADE) and its full-text
triggers; both are put back. The FTS index itself is untouched (dropping a table fires
no trigger) and still matches the rebuilt rows.

A downgrade is refused while a tag outside the old format exists.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD_CHARS = "a-z0-9-"
NEW_CHARS = "a-z0-9\u00a0-\U0010ffff-"
MAX_LENGTH = 30

SQLITE_TABLE = """
CREATE TABLE _tags_rebuilt (
    id INTEGER NOT NULL,
    name VARCHAR(30) NOT NULL,
    post_count INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    CONSTRAINT pk_tags PRIMARY KEY (id),
    CONSTRAINT ck_tags_name_glob CHECK ({check}),
    CONSTRAINT ck_tags_post_count_not_negative CHECK (post_count >= 0),
    CONSTRAINT uq_tags_name UNIQUE (name)
)
"""

# As migration 0003 created them.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER tags_fts_insert AFTER INSERT ON tags BEGIN "
    "INSERT INTO tags_fts(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER tags_fts_delete AFTER DELETE ON tags BEGIN "
    "INSERT INTO tags_fts(tags_fts, rowid, name) VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER tags_fts_update AFTER UPDATE OF name ON tags BEGIN "
    "INSERT INTO tags_fts(tags_fts, rowid, name) VALUES ('delete', old.id, old.name); "
    "INSERT INTO tags_fts(rowid, name) VALUES (new.id, new.name); END",
)


def _postgres_check(chars: str) -> str:
    return f"name ~ '^[{chars}]{{1,{MAX_LENGTH}}}$'"


def _sqlite_check(chars: str) -> str:
    return f"length(name) BETWEEN 1 AND {MAX_LENGTH} AND name NOT GLOB '*[^{chars}]*'"


def _rebuild_sqlite(chars: str) -> None:
    op.execute(SQLITE_TABLE.format(check=_sqlite_check(chars)))
    op.execute(
        "INSERT INTO _tags_rebuilt (id, name, post_count, created_at) "
        "SELECT id, name, post_count, created_at FROM tags"
    )
    op.execute("CREATE TABLE _post_tags_kept AS SELECT post_id, tag_id FROM post_tags")
    op.execute("DROP TABLE tags")
    op.execute("ALTER TABLE _tags_rebuilt RENAME TO tags")
    op.execute("CREATE INDEX ix_tags_post_count_id ON tags (post_count, id)")
    op.execute(
        "INSERT INTO post_tags (post_id, tag_id) SELECT post_id, tag_id FROM _post_tags_kept"
    )
    op.execute("DROP TABLE _post_tags_kept")
    if sa.inspect(op.get_bind()).has_table("tags_fts"):
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def _change_format(chars: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_tags_name"), "tags", type_="check")
        op.create_check_constraint(op.f("ck_tags_name"), "tags", _postgres_check(chars))
    else:
        _rebuild_sqlite(chars)


def upgrade():
    _change_format(NEW_CHARS)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        outside = f"NOT ({_postgres_check(OLD_CHARS)})"
    else:
        outside = f"NOT ({_sqlite_check(OLD_CHARS)})"
    count = bind.execute(sa.text(f"SELECT count(*) FROM tags WHERE {outside}")).scalar_one()
    if count:
        raise RuntimeError(
            f"{count} tag(s) use characters outside {OLD_CHARS}: rename or delete them "
            "before downgrading below 0006."
        )
    _change_format(OLD_CHARS)
