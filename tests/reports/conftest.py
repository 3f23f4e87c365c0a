"""A season of supervision: departments leading items of two published plans, with reports for
February and March 2025 in every state, lights, closures, targets, 需协调事项 and escalations.

The scenario keeps what it built as plain records, so tests compute the expected figures from them
and never from the code under test.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import pytest

from tracker.reminders.models import Notification, StepTarget
from tracker.tasks.models import (
    CoordinationIssue,
    Light,
    ProgressReport,
    ReportState,
    TaskStatus,
)

# The report is generated on 2025-04-10, after every March report fell due (2025-03-25).
TODAY = date(2025, 4, 10)
PUBLISHED = datetime(2025, 1, 5, 2, 0, tzinfo=timezone.utc)
DEPARTMENT_NAMES = ["市科技局", "市发展改革委", "市经济和信息化局", "市财政局", "市教育局", "市商务局"]


@dataclass
class Filed:
    department: str
    label: str  # 2025-02 or 2025-03
    state: ReportState | None  # None: never written
    is_late: bool = False
    return_count: int = 0


@dataclass
class Scenario:
    departments: dict
    tasks: list = field(default_factory=list)  # (task, department name)
    reports: list[Filed] = field(default_factory=list)
    lights: dict = field(default_factory=dict)  # task id -> Light
    closed_in: dict = field(default_factory=dict)  # task id -> label of the month it closed
    plans: list = field(default_factory=list)


def build_scenario(make, db, tasks_per_department=(5, 3, 4, 2, 6, 1), seed=7) -> Scenario:
    rng = random.Random(seed)
    departments = {name: make.department(name) for name in DEPARTMENT_NAMES}
    scenario = Scenario(departments=departments)
    plans = [make.plan("科技创新行动方案", published_at=PUBLISHED), make.plan("数字经济三年行动计划", published_at=PUBLISHED)]
    scenario.plans = plans
    periods = {}
    for plan in plans:
        periods[plan.id] = {
            "2025-02": make.period(plan, "2025-02", starts_on=date(2025, 2, 1), ends_on=date(2025, 2, 28),
                                   due_on=date(2025, 2, 25)),
            "2025-03": make.period(plan),
        }
    states = [ReportState.APPROVED, ReportState.SUBMITTED, ReportState.RETURNED, ReportState.DRAFT, None,
              ReportState.APPROVED, ReportState.AWAITING_CONFIRMATION]
    for count, name in zip(tasks_per_department, DEPARTMENT_NAMES):
        for index in range(count):
            plan = plans[index % 2]
            light = rng.choice([Light.RED, Light.YELLOW, Light.GREEN, Light.GREEN])
            task = make.task(plan, lead=departments[name], title=f"{name}牵头任务{index + 1}", light=light,
                             light_reason="2025-03期报送逾期(截止2025-03-25)" if light == Light.RED else None)
            scenario.tasks.append((task, name))
            scenario.lights[task.id] = light
            for label in ("2025-02", "2025-03"):
                state = rng.choice(states)
                filed = Filed(name, label, state)
                if state is not None:
                    filed.is_late = rng.random() < 0.3
                    filed.return_count = rng.choice([0, 0, 1, 2]) if state != ReportState.DRAFT else 0
                    if state == ReportState.RETURNED:
                        filed.return_count = max(1, filed.return_count)
                    db.session.add(ProgressReport(
                        task=task, period=periods[plan.id][label], department_id=task.lead_department_id,
                        state=state, is_late=filed.is_late, return_count=filed.return_count,
                        narrative=f"{label}进展情况", submitted_at=datetime(2025, 3, 1, tzinfo=timezone.utc)))
                scenario.reports.append(filed)
    # One item closed in March (its reports above stay), green once closed.
    closed_task, _name = scenario.tasks[0]
    closed_task.status, closed_task.closed_at, closed_task.light = (
        TaskStatus.CLOSED, datetime(2025, 3, 12, 2, 0, tzinfo=timezone.utc), Light.GREEN)
    scenario.lights[closed_task.id] = Light.GREEN
    scenario.closed_in[closed_task.id] = "2025-03"
    db.session.commit()
    return scenario


@pytest.fixture
def scenario(make, db) -> Scenario:
    return build_scenario(make, db)


def add_coordination(db, task, department, text, raised=datetime(2025, 3, 10, 2, 0, tzinfo=timezone.utc)):
    issue = CoordinationIssue(task_id=task.id, department_id=department.id, text=text, raised_at=raised)
    db.session.add(issue)
    db.session.commit()
    return issue


def add_escalation(db, task, period, *, late=6):
    notice = Notification(subject_key=f"report:{task.id}:{period.id}:0", step_key="late-report",
                          recipient_key="supervision_report", task_id=task.id, period_id=period.id,
                          department_id=task.lead_department_id, escalation_level=3,
                          target=StepTarget.SUPERVISION_REPORT, title=f"【列入通报】{task.title} {period.label}期逾期未报送",
                          body="", due_on=period.due_on, workdays_late=late,
                          created_at=datetime(2025, 4, 2, 1, 0, tzinfo=timezone.utc))
    db.session.add(notice)
    db.session.commit()
    return notice
