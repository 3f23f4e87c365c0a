"""sweep indexes: reviews by decision and time, reports by period and state with their task

The reminder sweep reads the last few weeks' returns (退回) by the first instead of every returned
report of the past year, and the tasks that filed for a period from the second alone.

Revision ID: 3b7e9c1d4f20
Revises: 668f4fc007ad
Create Date: 2026-12-07 00:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3b7e9c1d4f20'
down_revision = '668f4fc007ad'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index('ix_reviews_decision_decided_at', ['decision', 'decided_at'], unique=False)
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_reports_period_state')
        batch_op.create_index('ix_progress_reports_period_state_task', ['period_id', 'state', 'task_id'], unique=False)


def downgrade():
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_reports_period_state_task')
        batch_op.create_index('ix_progress_reports_period_state', ['period_id', 'state'], unique=False)
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_reviews_decision_decided_at')
