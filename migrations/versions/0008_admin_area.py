"""the admin area: reports, community bans, site settings, ban reasons and end dates

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:25:59

reports: one person's report of a post, comment, person or community (once per item),
with its outcome once resolved. community_bans: people a community's moderators keep
from posting there. site_settings: what an admin sets on /admin/settings (a missing row
means the default). users gain the reason and optional end of a ban; the moderation
log gains the target's name at the time (target_label) and indexes to filter it by
actor, by action and by target (a person's history).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "site_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_site_settings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_site_settings")),
    )
    op.create_table(
        "community_bans",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("banned_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["banned_by_id"],
            ["users.id"],
            name=op.f("fk_community_bans_banned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_community_bans_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_community_bans_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", "user_id", name=op.f("pk_community_bans")),
    )
    with op.batch_alter_table("community_bans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_community_bans_community_id_created_at",
            ["community_id", "created_at"],
            unique=False,
        )
        batch_op.create_index("ix_community_bans_user_id", ["user_id"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("target_user_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("details", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution_reason", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "reason IN ('spam', 'harassment', 'hate', 'violence', 'illegal', 'rules', 'other')",
            name=op.f("ck_reports_reason_known"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'removed', 'dismissed', 'banned')",
            name=op.f("ck_reports_status_known"),
        ),
        sa.CheckConstraint(
            "target_type IN ('post', 'comment', 'user', 'community')",
            name=op.f("ck_reports_target_type_known"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_reports_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_reports_reporter_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_reports_resolved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_user_id"],
            ["users.id"],
            name=op.f("fk_reports_target_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("reporter_id", "target_type", "target_id", name="one_per_reporter"),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reports_community_id_status_created_at_id",
            ["community_id", "status", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_reports_status_created_at_id", ["status", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_reports_target_type_target_id", ["target_type", "target_id"], unique=False
        )
        batch_op.create_index(
            "ix_reports_target_user_id_created_at_id",
            ["target_user_id", "created_at", "id"],
            unique=False,
        )

    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("target_label", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.create_index(
            "ix_moderation_actions_action_created_at_id",
            ["action", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_moderation_actions_actor_id_created_at_id",
            ["actor_id", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_moderation_actions_target_type_target_id_created_at_id",
            ["target_type", "target_id", "created_at", "id"],
            unique=False,
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("banned_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("ban_reason", sa.String(length=500), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("ban_reason")
        batch_op.drop_column("banned_until")

    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_moderation_actions_target_type_target_id_created_at_id")
        batch_op.drop_index("ix_moderation_actions_actor_id_created_at_id")
        batch_op.drop_index("ix_moderation_actions_action_created_at_id")
        batch_op.drop_column("target_label")

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_target_user_id_created_at_id")
        batch_op.drop_index("ix_reports_target_type_target_id")
        batch_op.drop_index("ix_reports_status_created_at_id")
        batch_op.drop_index("ix_reports_community_id_status_created_at_id")

    op.drop_table("reports")
    with op.batch_alter_table("community_bans", schema=None) as batch_op:
        batch_op.drop_index("ix_community_bans_user_id")
        batch_op.drop_index("ix_community_bans_community_id_created_at")

    op.drop_table("community_bans")
    op.drop_table("site_settings")
