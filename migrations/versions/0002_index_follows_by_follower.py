"""index follows by follower

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 16:25:01.750641

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index('ix_follows_follower_id_created_at', ['follower_id', 'created_at', 'followed_id'], unique=False)



def downgrade():
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index('ix_follows_follower_id_created_at')

