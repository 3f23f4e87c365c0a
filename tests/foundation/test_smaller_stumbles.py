"""Smaller stumbles of everyday use: the holiday page speaks to an administrator, not to a programmer; the
admin finds a user by login, name or department; a to-do names the plan of its item; the period filter
offers recent periods, not every one since 2018 (and a plan's review page writes 300亿元:
tests/plans/test_views.py)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from tracker.core.clock import local_today


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_holiday_page_asks_for_the_schedule_not_for_pip(admin_client):
    page = _text(admin_client.get("/admin/calendar?year=2099"))
    status = re.search(r'data-testid="calendar-status"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert "pip" not in status and "chinese-calendar" not in status
    assert "请在下方逐行录入放假和调休上班的日期" in status


def test_a_to_do_names_the_plan_of_its_item(db, make, login_as):
    today = local_today()
    science = make.department("市科技局")
    liaison = make.liaison(science, "kjj")
    for title in ("科技创新行动方案", "数字经济发展规划"):
        plan = make.plan(title)
        make.period(plan, "本期", starts_on=today - timedelta(days=20), ends_on=today + timedelta(days=2),
                    due_on=today + timedelta(days=2))
        make.task(plan, lead=science, number="2", title="实施创新平台建设")
    page = _text(login_as(liaison).get("/"))
    due = page.split('data-testid="due"')[1].split("</table>")[0]
    assert due.count('data-testid="due-plan"') == 2
    assert "科技创新行动方案" in due and "数字经济发展规划" in due


def test_the_period_filter_offers_recent_periods_only(db, make, office_client):
    today = local_today()
    plan = make.plan("科技创新行动方案")
    make.task(plan)
    make.period(plan, "2018-01", starts_on=date(2018, 1, 1), ends_on=date(2018, 1, 31), due_on=date(2018, 2, 5))
    recent = (today - timedelta(days=40)).strftime("%Y-%m")
    make.period(plan, recent, starts_on=today - timedelta(days=60), ends_on=today - timedelta(days=30),
                due_on=today - timedelta(days=25))
    page = _text(office_client.get("/tasks/"))
    options = re.findall(r'<option value="([^"]+)"', page.split('name="period"')[1].split("</select>")[0])
    assert recent in options and "2018-01" not in options
    # An older period is still reached by its address, and shown as chosen.
    chosen = _text(office_client.get("/tasks/?period=2018-01"))
    assert '<option value="2018-01" selected>' in chosen



def test_the_admin_finds_a_user_by_login_name_or_department(db, make, admin_client):
    science, finance = make.department("市科技局"), make.department("市财政局")
    make.liaison(science, "kjj_lly", name="王联络")
    make.liaison(finance, "czj_lly", name="李联络")
    found = _text(admin_client.get("/admin/users?q=科技"))
    table = found.split('data-testid="users"')[1]
    assert "kjj_lly" in table and "czj_lly" not in table and "找到 1 个" in found
    assert "czj_lly" in _text(admin_client.get("/admin/users?q=李联络")).split('data-testid="users"')[1]
    # The words are matched as typed: a % or _ is no wildcard.
    assert "没有找到用户" in _text(admin_client.get("/admin/users?q=%25"))
