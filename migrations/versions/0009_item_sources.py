"""item sources: 批示 and 会议议定事项 as items beside plan tasks; meetings; 督办单 and 催办

Every existing plan and task is of source "plan" (the server default), so nothing about them changes.

Revision ID: 8e4b1f6a2c90
Revises: 5d2a8c6e1f47
Create Date: 2026-12-07 23:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e4b1f6a2c90'
down_revision = '3b7e9d1c5a28'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.Enum('plan', 'instruction', 'meeting', name='itemsource',
                                                        native_enum=False, length=32),
                                      server_default='plan', nullable=False))
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.Enum('plan', 'instruction', 'meeting', name='itemsource',
                                                        native_enum=False, length=32),
                                      server_default='plan', nullable=False))
        batch_op.create_index('ix_tasks_source', ['source'], unique=False)

    op.create_table(
        'instructions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('document_title', sa.String(length=300), nullable=False),
        sa.Column('document_number', sa.String(length=100), nullable=True),
        sa.Column('leader_id', sa.Integer(), nullable=True),
        sa.Column('leader_name', sa.String(length=100), nullable=False),
        sa.Column('words', sa.Text(), nullable=False),
        sa.Column('written_on', sa.Date(), nullable=False),
        sa.Column('reply_requirements', sa.Text(), nullable=False),
        sa.Column('registered_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['leader_id'], ['users.id'], name=op.f('fk_instructions_leader_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_instructions_plan_id_plans'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'],
                                name=op.f('fk_instructions_registered_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_instructions_task_id_tasks'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_instructions')),
        sa.UniqueConstraint('plan_id', name=op.f('uq_instructions_plan_id')),
    )
    op.create_index('ix_instructions_leader_id', 'instructions', ['leader_id'], unique=False)

    op.create_table(
        'meetings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('joint', 'topic', name='meetingkind', native_enum=False, length=32), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('attendees', sa.Text(), nullable=False),
        sa.Column('doc_number', sa.String(length=100), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_meetings_plan_id_plans'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
        sa.UniqueConstraint('plan_id', name=op.f('uq_meetings_plan_id')),
    )

    op.create_table(
        'supervision_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('notice', 'reminder', name='noticekind', native_enum=False, length=32),
                  nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('serial', sa.Integer(), nullable=True),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('issuing_office', sa.String(length=200), nullable=False),
        sa.Column('lateness', sa.Text(), nullable=False),
        sa.Column('requirement', sa.Text(), nullable=False),
        sa.Column('reply_due_on', sa.Date(), nullable=False),
        sa.Column('reply_text', sa.Text(), nullable=False),
        sa.Column('replied_at', sa.DateTime(), nullable=True),
        sa.Column('replied_by_id', sa.Integer(), nullable=True),
        sa.Column('escalated_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name=op.f('fk_supervision_notices_department_id_departments'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_supervision_notices_issued_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'],
                                name=op.f('fk_supervision_notices_replied_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_supervision_notices_task_id_tasks'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_notices')),
        sa.UniqueConstraint('year', 'serial', name=op.f('uq_supervision_notices_year_serial')),
    )
    op.create_index('ix_supervision_notices_reply_due', 'supervision_notices', ['replied_at', 'reply_due_on'],
                    unique=False)
    op.create_index('ix_supervision_notices_task_id', 'supervision_notices', ['task_id'], unique=False)

    op.create_table(
        'notice_evidence',
        sa.Column('notice_id', sa.Integer(), nullable=False),
        sa.Column('evidence_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_notice_evidence_evidence_id_evidence'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['notice_id'], ['supervision_notices.id'],
                                name=op.f('fk_notice_evidence_notice_id_supervision_notices'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('notice_id', 'evidence_id', name=op.f('pk_notice_evidence')),
    )


    op.create_table(
        'meeting_issues',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('issue_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['issue_id'], ['coordination_issues.id'],
                                name=op.f('fk_meeting_issues_issue_id_coordination_issues'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_issues_meeting_id_meetings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('meeting_id', 'issue_id', name=op.f('pk_meeting_issues')),
    )


def downgrade():
    op.drop_table('meeting_issues')
    op.drop_table('notice_evidence')
    op.drop_index('ix_supervision_notices_task_id', table_name='supervision_notices')
    op.drop_index('ix_supervision_notices_reply_due', table_name='supervision_notices')
    op.drop_table('supervision_notices')
    op.drop_table('meetings')
    op.drop_index('ix_instructions_leader_id', table_name='instructions')
    op.drop_table('instructions')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_source')
        batch_op.drop_column('source')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('source')
