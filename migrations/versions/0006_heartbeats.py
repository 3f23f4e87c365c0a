"""heartbeats: the scheduler's last sign of life and what its last sweep did

/readyz and `flask doctor` read the age of the scheduler's row; /metrics its sweep's duration and the
notices its sweeps created, by level.

Revision ID: 5d2a8c6e1f47
Revises: 9c2f5e7a1b30
Create Date: 2026-12-07 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2a8c6e1f47'
down_revision = '9c2f5e7a1b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'heartbeats',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('beat_at', sa.DateTime(), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('last_seconds', sa.Double(), nullable=False),
        sa.Column('last_created', sa.JSON(), nullable=False),
        sa.Column('created_total', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_heartbeats')),
    )


def downgrade():
    op.drop_table('heartbeats')
