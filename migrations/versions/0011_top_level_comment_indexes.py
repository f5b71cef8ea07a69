"""top-level comments of a post indexed by score and by time, for the paged thread

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:15:00

A post page shows a page of top-level comments (best: score, newest first; new; old)
with their subtrees, and pages on by keyset. Two partial indexes on the top-level rows
of each post serve every order from its own bound, however long the thread.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TOP_LEVEL = sa.text("parent_id IS NULL")


def upgrade():
    op.create_index(
        "ix_comments_top_level_score",
        "comments",
        ["post_id", "score", "created_at", "id"],
        unique=False,
        postgresql_where=TOP_LEVEL,
        sqlite_where=TOP_LEVEL,
    )
    op.create_index(
        "ix_comments_top_level_created_at",
        "comments",
        ["post_id", "created_at", "id"],
        unique=False,
        postgresql_where=TOP_LEVEL,
        sqlite_where=TOP_LEVEL,
    )


def downgrade():
    op.drop_index("ix_comments_top_level_created_at", table_name="comments")
    op.drop_index("ix_comments_top_level_score", table_name="comments")
