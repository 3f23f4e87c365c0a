"""Factories for tests: each creates what it is asked for, with sensible defaults, and commits."""
from __future__ import annotations

import hashlib
import itertools
from datetime import date

from tracker.auth.models import Role
from tracker.auth.services import create_user
from tracker.departments.models import Department, DepartmentLevel
from tracker.departments.services import save_department
from tracker.plans.models import Plan, PlanStatus
from tracker.tasks.models import AssignmentRole, Milestone, ReportingPeriod, Target, Task, TaskAssignment

PASSWORD = "correct-horse-9"


class Factories:
    def __init__(self, db):
        self.db = db
        self._seq = itertools.count(1)

    def _commit(self, obj):
        self.db.session.add(obj)
        self.db.session.commit()
        return obj

    def department(self, name: str | None = None, **kwargs) -> Department:
        department = save_department(
            None, name=name or f"测试局{next(self._seq)}", level=kwargs.pop("level", DepartmentLevel.CITY), **kwargs
        )
        self.db.session.commit()
        return department

    def user(self, login: str | None = None, *, roles=("liaison",), department=None, password=PASSWORD, **kwargs):
        login = login or f"user{next(self._seq)}"
        user = create_user(
            login, kwargs.pop("name", login), password, roles=[Role(r) for r in roles], department=department, **kwargs
        )
        self.db.session.commit()
        return user

    def liaison(self, department, login: str | None = None, **kwargs):
        return self.user(login, roles=["liaison"], department=department, **kwargs)

    def head(self, department, login: str | None = None, **kwargs):
        return self.user(login, roles=["head"], department=department, **kwargs)

    def plan(self, title: str | None = None, *, status=PlanStatus.PUBLISHED, **kwargs) -> Plan:
        title = title or f"测试方案{next(self._seq)}"
        text = kwargs.pop("source_text", title)
        return self._commit(
            Plan(
                title=title,
                status=status,
                source_text=text,
                source_sha256=hashlib.sha256(text.encode()).hexdigest(),
                start_year=kwargs.pop("start_year", 2025),
                end_year=kwargs.pop("end_year", 2027),
                **kwargs,
            )
        )

    def task(self, plan: Plan | None = None, *, lead: Department | None = None, co=(), **kwargs) -> Task:
        plan = plan or self.plan()
        seq = next(self._seq)
        task = Task(
            plan=plan,
            number=kwargs.pop("number", f"({seq})"),
            title=kwargs.pop("title", f"测试任务{seq}"),
            text=kwargs.pop("text", f"测试任务{seq}的全文。"),
            position=kwargs.pop("position", seq),
            lead_department=lead,
            **kwargs,
        )
        if lead is not None:
            task.assignments.append(TaskAssignment(department=lead, role=AssignmentRole.LEAD))
        task.assignments.extend(TaskAssignment(department=d, role=AssignmentRole.CO) for d in co)
        return self._commit(task)

    def milestone(self, task: Task, *, year: int = 2025, text: str = "年度任务", **kwargs) -> Milestone:
        return self._commit(Milestone(task=task, year=year, due_on=kwargs.pop("due_on", date(year, 12, 31)),
                                      text=text, **kwargs))

    def target(self, task: Task, *, name: str = "高新技术企业", value: float = 1200, unit: str = "家", **kwargs):
        return self._commit(Target(task=task, name=name, value=value, unit=unit, **kwargs))

    def period(self, plan: Plan, label: str = "2025-03", *, starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 31),
               due_on=date(2025, 3, 25)) -> ReportingPeriod:
        return self._commit(ReportingPeriod(plan=plan, label=label, starts_on=starts_on, ends_on=ends_on, due_on=due_on))
