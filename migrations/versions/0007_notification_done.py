"""notifications.done_at: a notice about something since done (the report filed, the item closed)

Revision ID: 7b3e9d2c4a18
Revises: 5d2a8c6e1f47
Create Date: 2026-12-07 23:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b3e9d2c4a18'
down_revision = '5d2a8c6e1f47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.add_column(sa.Column('done_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.drop_column('done_at')
