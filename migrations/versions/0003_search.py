"""search: full-text indexes for posts, comments, communities, people and tags

PostgreSQL: generated, weighted tsvector columns with GIN indexes, built with a text
search configuration "quorum" (the 'simple' parser with accents folded by unaccent, so
every language is searchable the same way), and trigram indexes for fast prefix and
fuzzy matching of names. SQLite: FTS5 tables (unicode61, diacritics removed) kept in
sync by triggers.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

POSTGRES_VECTORS = {
    "posts": "setweight(to_tsvector('quorum', coalesce(title, '')), 'A') || "
             "setweight(to_tsvector('quorum', coalesce(body_text, '')), 'B')",
    "comments": "to_tsvector('quorum', coalesce(body_text, ''))",
    "communities": "setweight(to_tsvector('quorum', name || ' ' || coalesce(title, '')), 'A') || "
                   "setweight(to_tsvector('quorum', coalesce(description, '')), 'B')",
    "profiles": "setweight(to_tsvector('quorum', username), 'A') || "
                "setweight(to_tsvector('quorum', coalesce(display_name, '')), 'A')",
    "tags": "to_tsvector('quorum', replace(name, '-', ' '))",
}
TRIGRAM_INDEXES = {
    "communities": "lower(name || ' ' || title)",
    "profiles": "lower(username || ' ' || display_name)",
    "tags": "name",
}

# SQLite: (fts table, source table, rowid column, indexed columns)
SQLITE_TABLES = [
    ("posts_fts", "posts", "id", ["title", "body_text"]),
    ("comments_fts", "comments", "id", ["body_text"]),
    ("communities_fts", "communities", "id", ["name", "title", "description"]),
    ("profiles_fts", "profiles", "user_id", ["username", "display_name"]),
    ("tags_fts", "tags", "id", ["name"]),
]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'quorum') THEN
                    CREATE TEXT SEARCH CONFIGURATION quorum (COPY = simple);
                    ALTER TEXT SEARCH CONFIGURATION quorum
                        ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
                END IF;
            END $$
        """)
        for table, vector in POSTGRES_VECTORS.items():
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
                f"GENERATED ALWAYS AS ({vector}) STORED"
            )
            op.execute(
                f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)"
            )
        for table, expression in TRIGRAM_INDEXES.items():
            op.execute(
                f"CREATE INDEX ix_{table}_trigram ON {table} "
                f"USING gin (({expression}) gin_trgm_ops)"
            )
        return
    for fts, source, rowid, columns in SQLITE_TABLES:
        listed = ", ".join(columns)
        new_values = ", ".join(f"new.{c}" for c in columns)
        old_values = ", ".join(f"old.{c}" for c in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{source}', "
            f"content_rowid='{rowid}', tokenize='unicode61 remove_diacritics 2', "
            f"prefix='2 3')"
        )
        op.execute(f"INSERT INTO {fts}(rowid, {listed}) SELECT {rowid}, {listed} FROM {source}")
        op.execute(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {source} BEGIN "
            f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.{rowid}, {new_values}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {source} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {listed}) "
            f"VALUES ('delete', old.{rowid}, {old_values}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {listed} ON {source} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {listed}) "
            f"VALUES ('delete', old.{rowid}, {old_values}); "
            f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.{rowid}, {new_values}); END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_trigram")
        for table in POSTGRES_VECTORS:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS quorum")
        return
    for fts, _source, _rowid, _columns in SQLITE_TABLES:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
