"""profile numbers as counters on users; pinned posts, profile feeds and moderators indexed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:30:00

users gain post_count, comment_count, karma, follower_count and following_count, kept
by the services in the same transaction as their cause (a profile page reads them
instead of counting and summing six times per view), filled here from the rows with
the rules of webapp/counters.py. posts gain a partial index of the pinned ones per
community (newest first) and (author, hot|score, id) indexes for a profile's "hot" and
"top" feeds; memberships gain (community_id, role) for the sidebar's moderators.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COUNTERS = ("post_count", "comment_count", "karma", "follower_count", "following_count")
NOT_NEGATIVE = ("post_count", "comment_count", "follower_count", "following_count")

VISIBLE_POST = "p.removed_at IS NULL AND p.deleted_at IS NULL"
VISIBLE_COMMENT = "c.removed_at IS NULL AND c.deleted_at IS NULL"
FILL = {
    "post_count": f"SELECT count(*) FROM posts p WHERE p.author_id = users.id AND {VISIBLE_POST}",
    "comment_count": (
        f"SELECT count(*) FROM comments c WHERE c.author_id = users.id AND {VISIBLE_COMMENT}"
    ),
    "karma": (
        "(SELECT coalesce(sum(p.score), 0) FROM posts p "
        f"WHERE p.author_id = users.id AND {VISIBLE_POST}) + "
        "(SELECT coalesce(sum(c.score), 0) FROM comments c JOIN posts p ON p.id = c.post_id "
        f"WHERE c.author_id = users.id AND {VISIBLE_COMMENT} AND {VISIBLE_POST})"
    ),
    "follower_count": "SELECT count(*) FROM follows f WHERE f.followed_id = users.id",
    "following_count": "SELECT count(*) FROM follows f WHERE f.follower_id = users.id",
}


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in COUNTERS:
        if postgres:
            op.add_column(
                "users", sa.Column(name, sa.Integer(), nullable=False, server_default="0")
            )
        else:
            # SQLite adds a column with its CHECK in place (no table rebuild of users,
            # which every other table references).
            check = f" CHECK ({name} >= 0)" if name in NOT_NEGATIVE else ""
            op.execute(f"ALTER TABLE users ADD COLUMN {name} INTEGER DEFAULT '0' NOT NULL{check}")
    if postgres:
        op.create_check_constraint(
            op.f("ck_users_counts_not_negative"),
            "users",
            " AND ".join(f"{name} >= 0" for name in NOT_NEGATIVE),
        )
    op.execute(
        "UPDATE users SET " + ", ".join(f"{name} = ({query})" for name, query in FILL.items())
    )

    op.create_index(
        "ix_posts_community_id_pinned",
        "posts",
        ["community_id", sa.text("created_at DESC"), sa.text("id DESC")],
        unique=False,
        postgresql_where=sa.text("is_pinned"),
        sqlite_where=sa.text("is_pinned = 1"),
    )
    op.create_index("ix_posts_author_id_hot_id", "posts", ["author_id", "hot", "id"])
    op.create_index("ix_posts_author_id_score_id", "posts", ["author_id", "score", "id"])
    op.create_index("ix_memberships_community_id_role", "memberships", ["community_id", "role"])


def downgrade():
    op.drop_index("ix_memberships_community_id_role", table_name="memberships")
    op.drop_index("ix_posts_author_id_score_id", table_name="posts")
    op.drop_index("ix_posts_author_id_hot_id", table_name="posts")
    op.drop_index("ix_posts_community_id_pinned", table_name="posts")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_users_counts_not_negative"), "users", type_="check")
        for name in COUNTERS:
            op.drop_column("users", name)
        return
    for name in reversed(COUNTERS):
        op.execute(f"ALTER TABLE users DROP COLUMN {name}")
