"""page cache generations, report figures, overview index

data_generations holds the counter the page cache keys on (its one row, 'pages', starts at 0);
archived_reports.figures keeps each report's headline figures for the next period's comparison;
the overview index gains id so a page of tasks is read in order without a sort.

Revision ID: 668f4fc007ad
Revises: 175388e09fdc
Create Date: 2026-11-25 09:26:10.687799

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '668f4fc007ad'
down_revision = '175388e09fdc'
branch_labels = None
depends_on = None


def upgrade():
    generations = op.create_table(
        'data_generations',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_data_generations')),
    )
    op.bulk_insert(generations, [{'name': 'pages', 'value': 0}])
    with op.batch_alter_table('archived_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('figures', sa.JSON(), nullable=True))

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_plan_position'))
        batch_op.create_index('ix_tasks_plan_position', ['plan_id', 'position', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_plan_position')
        batch_op.create_index(batch_op.f('ix_tasks_plan_position'), ['plan_id', 'position'], unique=False)

    with op.batch_alter_table('archived_reports', schema=None) as batch_op:
        batch_op.drop_column('figures')

    op.drop_table('data_generations')
