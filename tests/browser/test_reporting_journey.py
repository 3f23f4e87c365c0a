"""A report's round trip in a real browser: filed with evidence, returned with a reason, corrected,
approved; the item's light and history show each step."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login
from tests.tasks.conftest import PDF
from tracker.core.clock import local_today, utcnow
from tracker.extensions import db as _db
from tracker.tasks.lights import refresh_lights

pytestmark = pytest.mark.browser


@pytest.fixture
def engine_name():
    return "sqlite"


@pytest.fixture
def journey(make):
    """An item whose report for the current period is due tomorrow, so it starts yellow."""
    today = local_today()
    science = make.department("市科技局")
    # A five-year plan in its first year: 40% done is ahead of its time schedule whatever today is.
    plan = make.plan("科技创新五年行动方案", start_year=today.year, end_year=today.year + 4)
    make.period(plan, "本期", starts_on=today - timedelta(days=20), ends_on=today + timedelta(days=1),
                due_on=today + timedelta(days=1))
    task = make.task(plan, lead=science, title="培育高新技术企业")
    make.target(task, name="高新技术企业", value=1200, unit="家")
    refresh_lights(utcnow())
    _db.session.commit()
    return {"task": task, "liaison": make.liaison(science, "kjj"), "reviewer": make.user("reviewer",
                                                                                        roles=["reviewer"])}


def _log_out(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login")


def _open_report_form(page):
    page.goto("/")
    page.get_by_test_id("due").get_by_role("link", name="填报").click()
    page.wait_for_url("**/report")


def _review(page, task, decision: str, done: str, reason: str = ""):
    browser_login(page, "reviewer")
    page.get_by_role("link", name="待审核").click()
    page.get_by_test_id("queue-reports").get_by_role("link", name=task.title, exact=False).click()
    form = page.get_by_test_id("report-decision")
    if reason:
        form.get_by_label("意见(退回时必填)").fill(reason)
    form.get_by_role("button", name=decision).click()
    expect(page.get_by_text(done)).to_be_visible()
    _log_out(page)


def test_report_is_returned_corrected_and_approved(page, journey, tmp_path):
    task = journey["task"]
    evidence = tmp_path / "高企认定名单.pdf"
    evidence.write_bytes(PDF)

    # The liaison files the report with an evidence file.
    browser_login(page, "kjj")
    assert page.get_by_test_id("my-tasks").get_by_test_id("light").inner_text() == "黄灯"
    _open_report_form(page)
    page.get_by_label("进展状态").select_option("in_progress")
    page.get_by_label("完成百分比(%)").fill("40")
    page.get_by_label("高新技术企业完成值(目标 1,200 家)").fill("1010")
    page.get_by_label("进展情况").fill("已认定高新技术企业1010家。")
    page.get_by_label("佐证材料", exact=True).set_input_files(str(evidence))
    page.get_by_role("button", name="提交报送").click()
    expect(page.get_by_text("已提交,等待审核")).to_be_visible()
    expect(page.get_by_test_id("evidence-link")).to_have_text("高企认定名单.pdf")
    _log_out(page)

    # The reviewer returns it with a reason.
    _review(page, task, "退回", "已退回,理由已告知联络员", "请附认定批次的公示文件")

    # The liaison sees the reason, corrects and resubmits.
    browser_login(page, "kjj")
    assert "请附认定批次的公示文件" in page.get_by_test_id("due-return-reason").inner_text()
    _open_report_form(page)
    assert "请附认定批次的公示文件" in page.get_by_test_id("return-reason").inner_text()
    page.get_by_label("进展情况").fill("已认定高新技术企业1010家,公示文件见附件。")
    page.get_by_role("button", name="提交报送").click()
    expect(page.get_by_text("已提交,等待审核")).to_be_visible()
    _log_out(page)

    # The reviewer approves.
    _review(page, task, "审核通过", "已审核通过")

    # The item's page shows the light turned green and every step in its history.
    browser_login(page, "kjj")
    page.goto(f"/tasks/{task.id}")
    assert page.get_by_test_id("light").first.inner_text() == "绿灯"
    assert page.get_by_test_id("report-本期").get_by_test_id("report-state").inner_text() == "已通过"
    history = page.get_by_test_id("history").inner_text()
    for step in ("提交报送", "审核退回", "请附认定批次的公示文件", "审核通过", "上传佐证材料", "亮灯变化"):
        assert step in history, step
    assert history.index("审核通过") < history.index("审核退回")  # newest first
