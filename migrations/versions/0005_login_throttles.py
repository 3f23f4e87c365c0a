"""login throttles: one counter row per key, taken atomically before a password is checked

Replaces login_attempts (a row per failure, counted after the check), which concurrent attempts could
outrun and which never forgot an invented login.

Revision ID: 9c2f5e7a1b30
Revises: 3b7e9c1d4f20
Create Date: 2026-12-08 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.database


# revision identifiers, used by Alembic.
revision = '9c2f5e7a1b30'
down_revision = '3b7e9c1d4f20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('window_started_at', tracker.core.database.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', tracker.core.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_key_at')
    op.drop_table('login_attempts')


def downgrade():
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('attempted_at', tracker.core.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_key_at', ['key', 'attempted_at'], unique=False)
    op.drop_table('login_throttles')
