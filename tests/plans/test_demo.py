"""`flask demo` imports and publishes the five shared plans with their departments."""

import pytest
import sqlalchemy as sa

from tracker.demo import DEMO_DEPARTMENTS, DEMO_GROUPS, OFFICE_DEPARTMENT, build_departments
from tracker.departments.models import Department
from tracker.plans import services
from tracker.plans.models import ItemSource, Plan, PlanStatus
from tracker.tasks.models import AssignmentRole, Indicator, Milestone, ReportingPeriod, Task
from tests.samples import SEED_PLANS



def test_demo_publishes_all_five_plans(runner, db):
    result = runner.invoke(args=["demo", "--password", "demo-password"])
    assert result.exit_code == 0, result.output
    # The 批示件 and the meeting's minutes of the demo's 督查督办 loop are plans of other sources.
    plans = db.session.scalars(sa.select(Plan).where(Plan.source == ItemSource.PLAN).order_by(Plan.id)).all()
    assert [p.source_filename for p in plans] == sorted(p.name for p in SEED_PLANS.glob("*.txt"))
    for plan in plans:
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(Task.plan_id == plan.id))
        assert plan.status == PlanStatus.PUBLISHED and count == len(plan.draft["tasks"]) > 0, plan.title
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportingPeriod)
                                 .where(ReportingPeriod.plan_id == plan.id)) >= 12
    names = set(db.session.scalars(sa.select(Department.name)))
    expected = {d[0] for d in DEMO_DEPARTMENTS} | {g[0] for g in DEMO_GROUPS} | {OFFICE_DEPARTMENT}
    assert names == expected, "a unit the plans name is missing from DEMO_DEPARTMENTS"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Milestone)) > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Indicator)) > 13


def test_demo_plans_keep_the_units_each_task_names(demo, db):
    bengbu = db.session.scalar(sa.select(Plan).where(Plan.source_filename.startswith("002")))
    first = db.session.scalar(sa.select(Task).where(Task.plan_id == bengbu.id, Task.number == "1"))
    assert first.lead_department.name == "市科技局"
    co = {d.name for d in first.co_departments}
    assert {"市经济和信息化局", "市发展改革委", "市市场监管局", "怀远县政府", "市高新区管委会"} <= co
    sunan = db.session.scalar(sa.select(Plan).where(Plan.source_filename.startswith("003")))
    group_led = db.session.scalars(sa.select(Task).where(Task.plan_id == sunan.id,
                                                         Task.lead_department_id.is_(None))).all()
    assert sorted(t.number for t in group_led) == ["(二十三)", "(五)"]
    assert {a.department.name for a in group_led[0].assignments if a.role == AssignmentRole.CO} >= {
        "南京市", "无锡市", "常州市", "苏州市", "镇江市", "省科技厅"}


@pytest.mark.parametrize("filename", ["002_b46e6d68e78b0a64.txt", "003_5af70cd96f267a21.txt"])
def test_every_unit_the_plans_name_matches_the_directory(db, office, filename):
    from tracker.plans.parser import read_plan_bytes

    build_departments()
    path = SEED_PLANS / filename
    plan = services.import_plan(read_plan_bytes(path.read_bytes(), path.name), filename=path.name, by=office)
    matches = services.match_departments(plan)
    assert len(matches) >= 10
    assert [name for name, match in matches.items() if not match.is_matched] == []
    assert matches["市人力资源和社会保障局" if filename.startswith("002") else "省人力资源社会保障厅"].is_matched
