"""users.theme: the light, dark or automatic theme a person chose

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 18:00:00

NULL means automatic: the theme follows the device's `prefers-color-scheme`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theme", sa.String(length=8)))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("theme")
