"""signed-in devices (user_sessions) replace the session epoch; form submissions

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 07:30:00

Every sign-in now has a row in user_sessions and cookies name that row, so signing out
ends a session on the server. Cookies issued before this migration named the account
and its epoch; they no longer load anyone, so people sign in once more.
form_submissions remembers each submitted post and comment form (one key per rendered
form), so that a double submit returns the first result instead of a duplicate.
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"])
    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("result_url", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_form_submissions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
    )
    op.create_index(
        "uq_form_submissions_user_id_key", "form_submissions", ["user_id", "key"], unique=True
    )
    op.create_index("ix_form_submissions_created_at", "form_submissions", ["created_at"])
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )
    op.drop_index("ix_form_submissions_created_at", table_name="form_submissions")
    op.drop_index("uq_form_submissions_user_id_key", table_name="form_submissions")
    op.drop_table("form_submissions")
    op.drop_index("ix_user_sessions_user_id", table_name="user_sessions")
    op.drop_table("user_sessions")
