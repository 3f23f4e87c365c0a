"""What each department owes (the read model behind its page) is, after any sequence of workflow steps, exactly
what a rebuild from the reports, contributions and items makes of them: on both engines."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

from tests.tasks.conftest import NOW
from tracker.tasks import read_models, reporting, reviews
from tracker.tasks.errors import StaleRecord, WorkflowError
from tracker.tasks.models import OwedReport, ProgressStatus, Task
from tracker.tasks.reporting import ReportInput

STEPS = ("save", "submit", "approve", "return", "withdraw", "confirm", "send_back", "contribute", "contribute_send",
         "sign", "close", "reopen")


def _owed(db) -> set:
    kept = set(db.session.execute(sa.select(OwedReport.department_id, OwedReport.task_id, OwedReport.period_id,
                                            OwedReport.role, OwedReport.due_on)).all())
    return kept


def _rebuilt(db) -> set:
    return set(db.session.execute(read_models.owed_rows()).all())


def _version(obj) -> int:
    return obj.version if obj is not None else 0


def _take(db, world, step: str, task_index: int, period_index: int) -> None:
    task_id = world["tasks"][task_index]
    task = db.session.get(Task, task_id)
    period = world["periods"][period_index]
    lead_liaison, co_liaison, head = world["people"][task_index]
    report = reporting.find_report(task.id, period.id)
    if step == "save":
        reporting.save_report(task, period, ReportInput(progress_status=ProgressStatus.IN_PROGRESS, narrative="推进中"),
                              by=lead_liaison, expected_version=_version(report), now=NOW)
    elif step == "submit" and report is not None:
        reporting.submit_report(task, period, by=lead_liaison, expected_version=report.version, now=NOW)
    elif step == "approve" and report is not None:
        reviews.approve_report(report, by=world["reviewer"], expected_version=report.version, now=NOW)
    elif step == "return" and report is not None:
        reviews.return_report(report, "请补充数据", by=world["reviewer"], expected_version=report.version, now=NOW)
    elif step == "withdraw" and report is not None:
        reporting.withdraw_report(report, by=lead_liaison, expected_version=report.version, now=NOW)
    elif step == "confirm" and report is not None:
        reporting.confirm_report(report, by=head, expected_version=report.version, now=NOW)
    elif step == "send_back" and report is not None:
        reporting.send_back_to_liaison(report, "请修改", by=head, expected_version=report.version, now=NOW)
    elif step in ("contribute", "contribute_send"):
        current = reporting.find_contribution(task.id, period.id, co_liaison.department_id)
        reporting.save_contribution(task, period, "已配合推进", by=co_liaison, expected_version=_version(current),
                                    submit=step == "contribute_send", now=NOW)
    elif step == "sign":
        reporting.sign_for(task, by=lead_liaison, now=NOW)
    elif step == "close":
        task.status, task.closed_at = "closed", NOW  # what 销号 leaves: nothing more is owed on the item
    elif step == "reopen" and task.status == "closed":
        reviews.reopen_task(task, "仍需推进", by=world["office"], expected_version=task.version, now=NOW)


def test_owed_reports_equal_their_rebuild_after_any_workflow(db, make, reviewer, office):
    lead, co = make.department("市科技局", requires_head_confirmation=True), make.department("市财政局")
    plan = make.plan("科技创新行动方案")
    periods = [make.period(plan), make.period(plan, "2025-04", starts_on=date(2025, 4, 1), ends_on=date(2025, 4, 30),
                                              due_on=date(2025, 4, 25))]
    first = make.task(plan, lead=lead, co=[co], title="培育高新技术企业")
    second = make.task(plan, lead=co, co=[lead], title="建设创新平台")
    people = {lead.id: (make.liaison(lead, "kjj"), make.head(lead, "kjj_head")),
              co.id: (make.liaison(co, "czj"), make.head(co, "czj_head"))}
    world = {"tasks": [first.id, second.id], "periods": periods, "reviewer": reviewer, "office": office,
             "people": [(people[lead.id][0], people[co.id][0], people[lead.id][1]),
                        (people[co.id][0], people[lead.id][0], people[co.id][1])]}
    assert _owed(db) == _rebuilt(db) and len(_owed(db)) == 8  # two items, two periods, a lead and a co-department

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=12))
    def steps_keep_it_equal(steps):
        for step, task_index, period_index in steps:
            try:
                _take(db, world, step, task_index, period_index)
                db.session.commit()
            except (WorkflowError, StaleRecord, HTTPException):
                db.session.rollback()
            assert _owed(db) == _rebuilt(db), (step, task_index, period_index)

    steps_keep_it_equal()
    assert read_models.rebuild() == len(_rebuilt(db))


def test_rebuild_command_makes_it_afresh(db, item, app):
    db.session.execute(sa.delete(OwedReport))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tasks", "rebuild"])
    assert result.exit_code == 0 and "owed_reports: 2" in result.output
    assert _owed(db) == _rebuilt(db)
