"""API tokens get a scope (read, or read and write) and a hint to tell them apart

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:01:50

No token was ever handed out before this migration (the API did not exist), so existing
rows, if any, become read-only tokens with no hint.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("token_hint", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("scope", sa.String(length=8), nullable=False, server_default="read")
        )
        batch_op.create_check_constraint(
            op.f("ck_api_tokens_scope_known"), "scope IN ('read', 'write')"
        )


def downgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_api_tokens_scope_known"), type_="check")
        batch_op.drop_column("scope")
        batch_op.drop_column("token_hint")
