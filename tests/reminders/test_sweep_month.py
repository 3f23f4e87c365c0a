"""A simulated September–October 2025, National Day week included: who got which reminder on which day."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.reminders.sweep_support import beijing, days, file_report, received, simulate
from tracker.core import workdays
from tracker.core.clock import to_local
from tracker.reminders.models import Notification, StepTarget

D = date


@pytest.fixture
def month(make, office):
    kjj, czj = make.department("市科技局"), make.department("市财政局")
    people = {
        "kjj": make.liaison(kjj, "kjj"), "kjj_head": make.head(kjj, "kjj_head"),
        "czj": make.liaison(czj, "czj"), "czj_head": make.head(czj, "czj_head"),
        "office": office,
    }
    monthly = make.plan("科技创新行动方案")
    september = make.period(monthly, "2025-09", starts_on=D(2025, 9, 1), ends_on=D(2025, 9, 30), due_on=D(2025, 9, 25))
    october = make.period(monthly, "2025-10", starts_on=D(2025, 10, 1), ends_on=D(2025, 10, 31),
                          due_on=D(2025, 10, 25))
    make.period(monthly, "2025-11", starts_on=D(2025, 11, 1), ends_on=D(2025, 11, 30), due_on=D(2025, 11, 25))
    silent = make.task(monthly, lead=kjj, number="(一)", title="培育高新技术企业,壮大创新型企业集群规模,推动科技型中小企业量质齐升")
    diligent = make.task(monthly, lead=kjj, number="(二)", title="建设新型研发机构")
    special = make.plan("国庆专项调度方案")
    holiday = make.period(special, "2025-10-03", starts_on=D(2025, 9, 1), ends_on=D(2025, 10, 3),
                          due_on=D(2025, 10, 3))
    festive = make.task(special, lead=czj, number="1.", title="保障节日市场供应")
    return dict(people=people, september=september, october=october, holiday=holiday, silent=silent,
                diligent=diligent, festive=festive)


def test_a_month_of_sweeps(db, month):
    people, silent, diligent, festive = month["people"], month["silent"], month["diligent"], month["festive"]
    actions = {
        D(2025, 9, 23): lambda: file_report(diligent, month["september"], people["kjj"], D(2025, 9, 23)),
        D(2025, 10, 10): lambda: file_report(diligent, month["october"], people["kjj"], D(2025, 10, 10)),
    }
    simulate(db, D(2025, 9, 15), D(2025, 10, 31), actions)

    s, d, f = silent.id, diligent.id, festive.id
    assert received(db) == {
        # September, due Thursday 09-25: 3 working days before, on the day, then the ladder.
        (D(2025, 9, 22), "kjj", s, "remind"), (D(2025, 9, 22), "kjj", d, "remind"),
        (D(2025, 9, 25), "kjj", s, "due"),
        (D(2025, 9, 26), "kjj", s, "late-liaison"), (D(2025, 9, 26), "kjj_head", s, "late-head"),
        (D(2025, 9, 29), "office", s, "late-office"),  # 09-28, a Sunday, was a working day (调休)
        (D(2025, 10, 9), "通报", s, "late-report"),  # 5 working days late only after the holiday
        # The special period due on a holiday (10-03): reminded before the break, chased after it.
        (D(2025, 9, 28), "czj", f, "remind"),  # the adjusted Sunday is a working day
        (D(2025, 9, 30), "czj", f, "due"),  # "on the day" is the last working day before it
        (D(2025, 10, 9), "czj", f, "late-liaison"), (D(2025, 10, 9), "czj_head", f, "late-head"),
        (D(2025, 10, 11), "office", f, "late-office"),  # Saturday 10-11 was a working day (调休)
        (D(2025, 10, 14), "通报", f, "late-report"),
        # October, due Saturday 10-25.
        (D(2025, 10, 22), "kjj", s, "remind"),
        (D(2025, 10, 24), "kjj", s, "due"),
        (D(2025, 10, 27), "kjj", s, "late-liaison"), (D(2025, 10, 27), "kjj_head", s, "late-head"),
        (D(2025, 10, 29), "office", s, "late-office"),
        (D(2025, 10, 31), "通报", s, "late-report"),
    }
    sent_on = {day for day, *_ in received(db)}
    assert all(workdays.is_workday(day) for day in sent_on)
    assert not sent_on & set(days(D(2025, 10, 1), D(2025, 10, 8)))


def test_wording_names_item_due_date_holiday_and_lateness(db, month):
    simulate(db, D(2025, 9, 26), D(2025, 10, 9))
    notices = {(n.step_key, n.task_id): n for n in db.session.scalars(sa.select(Notification))}
    remind = notices[("remind", month["festive"].id)]
    assert remind.title == "【提醒】1.保障节日市场供应:2025-10-03期报送将于2025-10-03(国庆节)截止"
    assert "距截止还有2个工作日" in remind.body and "牵头单位:市财政局" in remind.body
    late = notices[("late-head", month["festive"].id)]
    assert late.title == "【催办】1.保障节日市场供应:2025-10-03期报送已逾期1个工作日"
    assert late.workdays_late == 1 and late.escalation_level == 1 and late.department_id == month["festive"].lead_department_id
    assert late.link == f"/tasks/{month['festive'].id}/periods/{month['holiday'].id}/report"
    listed = notices[("late-report", month["silent"].id)]
    assert listed.target == StepTarget.SUPERVISION_REPORT and listed.recipient_id is None
    assert listed.escalation_level == 3 and listed.workdays_late == 5 and listed.period_id == month["september"].id
    assert listed.title == "【列入通报】(一)培育高新技术企业,壮大创新型企业集群规模,推动…:2025-09期报送已逾期5个工作日"
    assert "列入下一期督查通报" in listed.body


def test_a_sweep_on_a_holiday_creates_nothing_and_repeats_create_nothing(db, month):
    simulate(db, D(2025, 10, 1), D(2025, 10, 8))
    assert received(db) == set()
    simulate(db, D(2025, 10, 9), D(2025, 10, 9))
    first = received(db)
    for hour in (10, 13, 17):  # the scheduler's later passes the same day
        from tracker.reminders.sweep import run_sweep
        assert run_sweep(beijing(D(2025, 10, 9), hour)).created == 0
    assert received(db) == first


def test_after_a_week_of_downtime_each_recipient_hears_once(db, month):
    """Down from 09-22 to 09-28: on 09-29 the liaison gets one notice (not remind + due + late), head and office once."""
    simulate(db, D(2025, 9, 15), D(2025, 9, 21))
    assert received(db) == set()
    simulate(db, D(2025, 9, 29), D(2025, 9, 29))
    silent = month["silent"].id
    got = {(who, step) for day, who, task, step in received(db) if task == silent}
    assert got == {("kjj", "late-liaison"), ("kjj_head", "late-head"), ("office", "late-office")}
    late = db.session.scalar(sa.select(Notification).where(Notification.step_key == "late-liaison",
                                                           Notification.task_id == silent))
    assert late.workdays_late == 3 and "已逾期3个工作日" in late.title
    assert to_local(late.created_at).date() == D(2025, 9, 29)
