"""names already stored lose bidi controls and zero-width characters

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 08:40:00

Names are cleaned when they are saved (webapp/validation.py clean_name); this cleans the
ones saved before: profile display, first and last names and community titles lose the
characters that let one name pass for another or reorder a page (U+200B, U+200E-U+200F,
U+202A-U+202E, U+2060, U+2066-U+2069, U+061C, U+FEFF). ZWNJ and ZWJ stay: Persian and
other scripts need them inside words, and the full rule for them runs on the next save.
A community title left empty takes the community's name. There is nothing to undo.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

HIDDEN = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff]")


def _clean(value):
    return " ".join(HIDDEN.sub("", value or "").split())


def _clean_table(connection, table, key, columns, fallback=None):
    selected = [key, *columns, *([fallback] if fallback else [])]
    rows = connection.execute(sa.text(f"SELECT {', '.join(selected)} FROM {table}"))
    for row in rows.mappings().all():
        changes = {}
        for column in columns:
            value = row[column] or ""
            if HIDDEN.search(value):
                cleaned = _clean(value)
                if not cleaned and fallback:
                    cleaned = row[fallback]
                changes[column] = cleaned
        if changes:
            assignments = ", ".join(f"{column} = :{column}" for column in changes)
            connection.execute(
                sa.text(f"UPDATE {table} SET {assignments} WHERE {key} = :key"),
                {**changes, "key": row[key]},
            )


def upgrade():
    connection = op.get_bind()
    _clean_table(connection, "profiles", "user_id", ["display_name", "first_name", "last_name"])
    _clean_table(connection, "communities", "id", ["title"], fallback="name")


def downgrade():
    pass  # the removed characters were never meant to be there
