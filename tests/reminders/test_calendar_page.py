"""The admin's working-day calendar page: a year no package covers yet, entered by hand."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tracker.audit.models import AuditEntry
from tracker.core import workdays

SCHEDULE_2031 = "2031-10-01~2031-10-07 休 国庆节\n2031-09-28 班 国庆节调休\n"


def test_entering_an_unknown_year_confirms_it(admin_client, db, admin_user):
    page = admin_client.get("/admin/calendar?year=2031").get_data(as_text=True)
    assert "未确认" in page
    response = admin_client.post_form("/admin/calendar?year=2031", {"days": SCHEDULE_2031, "official": "y"})
    assert response.status_code == 302
    page = admin_client.get("/admin/calendar?year=2031").get_data(as_text=True)
    assert "已由管理员录入" in page and "国庆节调休" in page
    workdays.forget()
    assert workdays.is_confirmed(2031)
    assert not workdays.is_workday(date(2031, 10, 1)) and workdays.holiday_name(date(2031, 10, 3)) == "国庆节"
    assert workdays.is_workday(date(2031, 9, 28))  # a Sunday, worked
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "calendar.year_saved"))
    assert entry.actor_id == admin_user.id and "2031-10-01 休 国庆节" in entry.after["days"]


def test_a_bad_line_is_shown_and_nothing_saved(admin_client):
    page = admin_client.post_form("/admin/calendar?year=2031", {"days": "2031-10-01 放 国庆节"})
    assert page.status_code == 200 and "第1行" in page.get_data(as_text=True)
    workdays.forget()
    assert not workdays.is_confirmed(2031)


def test_only_the_admin_edits_the_calendar(office_client, admin_client):
    assert office_client.get("/admin/calendar").status_code == 403
    assert admin_client.post("/admin/calendar?year=2031", data={"days": SCHEDULE_2031}).status_code == 400
