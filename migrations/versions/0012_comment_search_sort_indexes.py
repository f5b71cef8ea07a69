"""comments indexed by (created_at, id) and (score, id) for search

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 12:30:00

Search ranks within the newest matches and sorts comments by "new" and "top" with a
LIMIT: these indexes let PostgreSQL walk comments in date or score order and stop
early, instead of sorting every comment that holds two common words. Posts already have
(created_at, id) and (score, id).
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_comments_created_at_id", "comments", ["created_at", "id"])
    op.create_index("ix_comments_score_id", "comments", ["score", "id"])


def downgrade():
    op.drop_index("ix_comments_score_id", table_name="comments")
    op.drop_index("ix_comments_created_at_id", table_name="comments")
