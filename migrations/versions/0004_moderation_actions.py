"""the moderation log is named for what it is: admin_actions becomes moderation_actions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 04:30:00

A new table is created, the rows copied and the old table dropped, so that the
constraint and index names follow the naming convention on both engines (a plain
RENAME would keep the old names on PostgreSQL).
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = "id, actor_id, community_id, action, target_type, target_id, reason, created_at"


def _create(table: str) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("target_type", sa.String(length=30), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f(f"fk_{table}_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f(f"fk_{table}_community_id_communities"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(
            f"ix_{table}_community_id_created_at", ["community_id", "created_at"], unique=False
        )
        batch_op.create_index(f"ix_{table}_created_at_id", ["created_at", "id"], unique=False)


def _move(source: str, target: str) -> None:
    _create(target)
    op.execute(f"INSERT INTO {target} ({COLUMNS}) SELECT {COLUMNS} FROM {source}")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{target}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {target}), 0) + 1, false)"
        )
    with op.batch_alter_table(source, schema=None) as batch_op:
        batch_op.drop_index(f"ix_{source}_created_at_id")
        batch_op.drop_index(f"ix_{source}_community_id_created_at")
    op.drop_table(source)


def upgrade():
    _move("admin_actions", "moderation_actions")


def downgrade():
    _move("moderation_actions", "admin_actions")
