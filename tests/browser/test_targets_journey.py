"""Targets a liaison can tell apart: an item with one target a year shows, on the report form, only the
years still open, each with its year, unit and last reported value; the item page names the year."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import shoot
from tests.browser.test_reporting_journey import _open_report_form
from tests.conftest import browser_login
from tracker.core.clock import local_today
from tracker.extensions import db as _db

pytestmark = pytest.mark.browser

NAME = "新技术新产品新模式应用场景"


@pytest.fixture
def engine_name():
    return "sqlite"


@pytest.fixture
def yearly(make):
    """One target of 100 个 a year over six years; this year's was last reported at 83."""
    today = local_today()
    science = make.department("市科技局")
    plan = make.plan("应用场景建设行动方案", start_year=today.year - 3, end_year=today.year + 2)
    make.period(plan, "本期", starts_on=today - timedelta(days=20), ends_on=today + timedelta(days=1),
                due_on=today + timedelta(days=1))
    task = make.task(plan, lead=science, title="建设应用场景")
    for year in range(today.year - 3, today.year + 3):
        make.target(task, name=NAME, value=100, unit="个", year=year,
                    reached_value=83 if year == today.year else 76 if year == today.year - 1 else None)
    make.target(task, name="场景清单发布", value=1, unit="份")  # no year: open in every period
    make.liaison(science, "kjj")
    _db.session.commit()
    return {"task": task, "year": today.year}


def test_the_report_form_shows_each_open_target_with_its_year_unit_and_last_value(page, yearly):
    year = yearly["year"]
    browser_login(page, "kjj")
    _open_report_form(page)
    inputs = page.locator("input[name$='-value']")
    expect(inputs).to_have_count(2)  # this year's target and the one without a year, not the other five
    this_year = page.get_by_label(f"{NAME}({year}年)完成值(目标 100 个)")
    expect(page.get_by_test_id(f"target-last-{this_year.get_attribute('id')}")).to_have_text("上次报送:83 个")
    expect(page.get_by_label("场景清单发布完成值(目标 1 份)")).to_be_visible()
    assert f"{year - 1}年" not in page.get_by_test_id("report-form").inner_text()
    shoot(page, "targets", "report-form", phone=True)

    this_year.fill("91")
    page.get_by_label("进展状态").select_option("in_progress")
    page.get_by_label("进展情况").fill("本年已建成应用场景91个。")
    page.get_by_role("button", name="提交报送").click()
    expect(page.get_by_text("已提交,等待审核")).to_be_visible()

    # The item page names the year of every target and of every reported value.
    page.goto(f"/tasks/{yearly['task'].id}")
    reported = page.get_by_test_id("report-本期").inner_text()
    assert f"{NAME}({year}年):91 / 100 个" in reported
    targets = page.get_by_test_id("targets").inner_text()
    for shown in (f"{NAME}({year}年)\t100 个\t91 个", f"{NAME}({year - 1}年)\t100 个\t76 个"):
        assert shown in targets, targets
    shoot(page, "targets", "item-page", phone=True)
