"""签收, drafts, submission, head confirmation, contributions and coordination problems: each step and who may take it."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import Forbidden, NotFound

from tests.tasks.conftest import NOW, pdf_file
from tracker.audit.models import AuditEntry
from tracker.tasks import reporting
from tracker.tasks.errors import StaleRecord, WorkflowError
from tracker.tasks.evidence import attach_evidence
from tracker.tasks.models import (
    ContributionState,
    CoordinationIssue,
    ProgressStatus,
    ReportState,
    TaskAssignment,
)
from tracker.tasks.reporting import ReportInput


def _input(**kwargs) -> ReportInput:
    values = {"progress_status": ProgressStatus.IN_PROGRESS, "percent_complete": 40, "narrative": "已认定高企1010家"}
    return ReportInput(**(values | kwargs))


def _save(item, by=None, version=0, **kwargs):
    return reporting.save_report(item.task, item.period, _input(**kwargs), by=by or item.liaison,
                                 expected_version=version, now=NOW)


def _actions(db, task_id) -> list[str]:
    return db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.task_id == task_id).order_by(AuditEntry.id)).all()


# ---- 签收 ----


def test_each_department_signs_for_its_item_once(db, item):
    reporting.sign_for(item.task, by=item.liaison, now=NOW)
    reporting.sign_for(item.task, by=item.co_liaison, now=NOW)
    db.session.commit()
    signed = {a.department_id: a.signed_at for a in db.session.scalars(sa.select(TaskAssignment))}
    assert signed == {item.lead.id: NOW, item.co.id: NOW}
    with pytest.raises(WorkflowError, match="已于 2025-03-20 签收"):
        reporting.sign_for(item.task, by=item.head, now=NOW)
    assert _actions(db, item.task.id) == ["task.signed", "task.signed"]


def test_other_departments_and_overseers_cannot_sign(item):
    for user in (item.reviewer, item.office):
        with pytest.raises(Forbidden):
            reporting.sign_for(item.task, by=user, now=NOW)
    # Another department is not even told that the item exists.
    with pytest.raises(NotFound):
        reporting.sign_for(item.task, by=item.stranger, now=NOW)


def test_sign_for_all_signs_every_unsigned_item_of_the_department(db, make, item):
    second = make.task(item.plan, lead=item.co, co=[item.lead])
    reporting.sign_for(item.task, by=item.liaison, now=NOW)
    assert reporting.sign_for_all(by=item.head, now=NOW) == 1
    db.session.commit()
    assert db.session.get(TaskAssignment, (second.id, item.lead.id)).signed_by_id == item.head.id


# ---- drafts and versions ----


def test_first_save_creates_a_draft_with_target_values(db, item):
    report = _save(item, target_values={item.target.id: 1010})
    db.session.commit()
    assert (report.state, report.version, report.department_id) == (ReportState.DRAFT, 1, item.lead.id)
    assert [(tv.target_id, tv.value) for tv in report.target_values] == [(item.target.id, 1010)]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "report.created"))
    assert entry.actor_id == item.liaison.id and entry.after["target_values"] == {"高新技术企业": 1010}


def test_saving_with_a_stale_version_writes_nothing(db, item):
    _save(item, narrative="第一稿")
    db.session.commit()
    _save(item, version=1, narrative="第二稿")
    db.session.commit()
    with pytest.raises(StaleRecord) as stale:
        _save(item, version=1, narrative="基于第一稿的修改")
    db.session.rollback()
    report = db.session.scalar(sa.select(stale.value.model).filter_by(**stale.value.key))
    assert (report.narrative, report.version) == ("第二稿", 2)


def test_a_second_first_save_is_a_conflict_not_a_duplicate(db, item):
    _save(item, narrative="甲")
    db.session.commit()
    with pytest.raises(StaleRecord):
        _save(item, version=0, narrative="乙")


def test_changing_only_a_target_value_still_bumps_the_version(db, item):
    report = _save(item, target_values={item.target.id: 1000})
    db.session.commit()
    report = _save(item, version=1, target_values={item.target.id: 1010})
    db.session.commit()
    assert report.version == 2 and report.target_values[0].value == 1010


@pytest.mark.parametrize("kwargs, message", [
    ({"percent_complete": 120}, "0 到 100"),
    ({"target_values": {999: 5}}, "不属于此事项"),
])
def test_bad_values_are_refused_in_words(item, kwargs, message):
    with pytest.raises(WorkflowError, match=message):
        _save(item, **kwargs)


def test_only_the_lead_liaison_writes_the_report(item):
    for user in (item.co_liaison, item.head, item.reviewer, item.office):
        with pytest.raises(Forbidden):
            _save(item, by=user)
    with pytest.raises(NotFound):
        _save(item, by=item.stranger)


# ---- submission ----


@pytest.mark.parametrize("kwargs, message", [
    ({"progress_status": None}, "请选择进展状态"),
    ({"narrative": "  "}, "请填写进展情况"),
    ({"needs_coordination": True, "coordination_text": ""}, "需协调解决的问题"),
])
def test_incomplete_report_is_not_submitted(db, item, kwargs, message):
    _save(item, **kwargs)
    db.session.commit()
    with pytest.raises(WorkflowError, match=message):
        reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=1, now=NOW)
    assert reporting.find_report(item.task.id, item.period.id).state == ReportState.DRAFT


def test_submit_sends_the_report_to_review_and_publishes_its_figures(db, item):
    _save(item, target_values={item.target.id: 1010}, percent_complete=84)
    db.session.commit()
    report = reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=1, now=NOW)
    db.session.commit()
    assert report.state == ReportState.SUBMITTED and not report.is_late
    assert (item.target.reached_value, item.task.percent_complete) == (1010, 84)
    assert item.task.progress_status == ProgressStatus.IN_PROGRESS
    with pytest.raises(WorkflowError, match="不能再修改"):
        _save(item, version=report.version)


@pytest.mark.parametrize("utc_moment, late", [
    (datetime(2025, 3, 25, 15, 59, tzinfo=timezone.utc), False),  # 23:59 on the due day in Beijing
    (datetime(2025, 3, 25, 16, 1, tzinfo=timezone.utc), True),  # 00:01 the next day in Beijing
])
def test_lateness_is_judged_on_the_beijing_calendar(db, item, utc_moment, late):
    _save(item)
    db.session.commit()
    report = reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=1, now=utc_moment)
    assert report.is_late is late


def test_completion_claim_needs_completed_status_and_evidence(db, item):
    _save(item, claims_completion=True)
    db.session.commit()
    with pytest.raises(WorkflowError, match="已完成"):
        reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=1, now=NOW)
    report = _save(item, version=1, claims_completion=True, progress_status=ProgressStatus.COMPLETED)
    db.session.commit()
    with pytest.raises(WorkflowError, match="佐证材料"):
        reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=2, now=NOW)
    attach_evidence(item.task, "验收报告.pdf", pdf_file(), by=item.liaison, report=report)
    db.session.commit()
    report = reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=2, now=NOW)
    assert report.state == ReportState.SUBMITTED


# ---- head confirmation ----


@pytest.fixture
def confirming(db, item):
    item.lead.requires_head_confirmation = True
    db.session.commit()
    _save(item)
    db.session.commit()
    return reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=1, now=NOW)


def test_department_requiring_confirmation_holds_the_report_for_its_head(db, item, confirming):
    assert confirming.state == ReportState.AWAITING_CONFIRMATION
    assert item.task.progress_status is None  # not published before the head confirms
    for user in (item.liaison, item.reviewer, item.office):
        with pytest.raises(Forbidden):
            reporting.confirm_report(confirming, by=user, expected_version=confirming.version, now=NOW)
    report = reporting.confirm_report(confirming, by=item.head, expected_version=confirming.version, now=NOW)
    db.session.commit()
    assert report.state == ReportState.SUBMITTED and report.confirmed_by_id == item.head.id
    assert item.task.progress_status == ProgressStatus.IN_PROGRESS


def test_head_of_another_department_cannot_confirm(make, item, confirming):
    with pytest.raises(Forbidden):
        reporting.confirm_report(confirming, by=make.head(item.co), expected_version=confirming.version, now=NOW)


def test_head_sends_back_with_a_reason(db, item, confirming):
    with pytest.raises(WorkflowError, match="退回理由"):
        reporting.send_back_to_liaison(confirming, " ", by=item.head, expected_version=confirming.version)
    report = reporting.send_back_to_liaison(confirming, "数据口径不对", by=item.head,
                                            expected_version=confirming.version, now=NOW)
    db.session.commit()
    assert report.state == ReportState.DRAFT
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "report.sent_back"))
    assert entry.after["reason"] == "数据口径不对"


# ---- contributions ----


def test_co_department_saves_then_submits_its_contribution(db, item):
    draft = reporting.save_contribution(item.task, item.period, "已拨付资金", by=item.co_liaison,
                                        expected_version=0, now=NOW)
    db.session.commit()
    assert draft.state == ContributionState.DRAFT
    done = reporting.save_contribution(item.task, item.period, "已拨付资金3000万元", by=item.co_liaison,
                                       expected_version=1, submit=True, now=NOW)
    db.session.commit()
    assert (done.state, done.version, done.department_id) == (ContributionState.SUBMITTED, 2, item.co.id)
    with pytest.raises(StaleRecord):
        reporting.save_contribution(item.task, item.period, "旧稿", by=item.co_liaison, expected_version=1)


def test_only_co_departments_contribute(item):
    for user in (item.liaison, item.reviewer):
        with pytest.raises(Forbidden):
            reporting.save_contribution(item.task, item.period, "x", by=user, expected_version=0)
    with pytest.raises(NotFound):
        reporting.save_contribution(item.task, item.period, "x", by=item.stranger, expected_version=0)


def test_empty_contribution_cannot_be_submitted(item):
    with pytest.raises(WorkflowError, match="配合工作情况"):
        reporting.save_contribution(item.task, item.period, "  ", by=item.co_liaison, expected_version=0,
                                    submit=True)


# ---- 需协调事项 ----


def test_flagged_problem_reaches_the_office_once(db, item):
    _save(item, needs_coordination=True, coordination_text="用地指标不足,需市自然资源局协调")
    db.session.commit()
    report = reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=1, now=NOW)
    db.session.commit()
    issue = db.session.scalar(sa.select(CoordinationIssue))
    assert (issue.text, issue.department_id, issue.report_id) == ("用地指标不足,需市自然资源局协调", item.lead.id, report.id)
    with pytest.raises(Forbidden):
        reporting.resolve_coordination_issue(issue, "已协调", by=item.liaison)
    with pytest.raises(WorkflowError, match="协调结果"):
        reporting.resolve_coordination_issue(issue, "", by=item.office)
    reporting.resolve_coordination_issue(issue, "已由市自然资源局安排指标", by=item.office, now=NOW)
    db.session.commit()
    assert issue.resolved_by_id == item.office.id


def test_report_for_a_period_of_another_plan_is_refused(make, item):
    other_period = make.period(make.plan(), "2025-04")
    with pytest.raises(WorkflowError, match="不属于"):
        reporting.save_report(item.task, other_period, _input(), by=item.liaison, expected_version=0)


def test_a_report_takes_values_for_the_open_year_of_each_target(make, item):
    """A 2025 period asks for 2025's 场景 target (not 2024's or 2026's), and for 2027's 专利 target, the
    first year of it not over; targets without a year are always asked for."""
    yearly = [make.target(item.task, name="场景", value=100, unit="个", year=year) for year in (2024, 2025, 2026)]
    patents = make.target(item.task, name="专利", value=50, unit="件", year=2027)
    assert reporting.open_targets(item.task.targets, item.period) == [item.target, yearly[1], patents]
