"""read models: what each department owes (owed_reports), and a head's waiting reports by index

owed_reports is kept current by each write (tracker.tasks.read_models) and filled here from the source
tables, as `flask tasks rebuild` does; the page cache's rows become one per department ('pages:<id>')
beside the global 'pages', made by the first write that needs them.

Revision ID: 7a1c3e5b9d20
Revises: 5d2a8c6e1f47
Create Date: 2026-12-08 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a1c3e5b9d20'
down_revision = '8e4b1f6a2c90'
branch_labels = None
depends_on = None

# The rebuild of tracker.tasks.read_models in SQL, as it stands at this revision.
FILL = """
INSERT INTO owed_reports (department_id, period_id, task_id, role, due_on)
SELECT a.department_id, p.id, t.id, a.role, p.due_on
FROM tasks t
JOIN task_assignments a ON a.task_id = t.id
JOIN reporting_periods p ON p.plan_id = t.plan_id
LEFT OUTER JOIN progress_reports r ON r.task_id = t.id AND r.period_id = p.id
LEFT OUTER JOIN contributions c ON c.task_id = t.id AND c.period_id = p.id AND c.department_id = a.department_id
WHERE t.status = 'active' AND (
  (a.role = 'lead' AND (r.id IS NULL OR r.state IN ('draft', 'returned')))
  OR (a.role = 'co' AND (c.id IS NULL OR c.state = 'draft') AND (r.id IS NULL OR r.state != 'approved')))
"""


def upgrade():
    op.create_table(
        'owed_reports',
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.Enum('lead', 'co', name='assignmentrole', native_enum=False, length=32), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_owed_reports_department_id_departments'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['period_id'], ['reporting_periods.id'],
                                name=op.f('fk_owed_reports_period_id_reporting_periods'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_owed_reports_task_id_tasks'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('department_id', 'period_id', 'task_id', name=op.f('pk_owed_reports')),
    )
    with op.batch_alter_table('owed_reports', schema=None) as batch_op:
        batch_op.create_index('ix_owed_reports_task', ['task_id'], unique=False)
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.create_index('ix_progress_reports_department_state', ['department_id', 'state'], unique=False)
    op.execute(FILL)


def downgrade():
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_reports_department_state')
    op.drop_table('owed_reports')
