"""notifications.done_at: a notice about something since done (the report filed, the item closed);
leaders_in_charge: the departments a leader is in charge of (分管单位)

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
    op.create_table(
        'leaders_in_charge',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name=op.f('fk_leaders_in_charge_department_id_departments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_leaders_in_charge_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'department_id', name=op.f('pk_leaders_in_charge')),
    )


def downgrade():
    op.drop_table('leaders_in_charge')
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.drop_column('done_at')
