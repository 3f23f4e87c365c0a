"""The 督查督办 loop in a real browser: a 批示 registered, assigned, signed, reported and seen by its leader;
minutes imported and their decisions published; a 督办单 issued, its PDF downloaded, answered with
evidence by the department's head, and the answer seen by the office in the ledger and the item's history."""
from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import shoot
from tests.conftest import browser_login
from tests.supervision.conftest import PDF
from tests.supervision.minutes_samples import TABLE
from tracker.core.clock import local_today
from tracker.extensions import db as _db
from tracker.tasks.models import Light, Task

pytestmark = pytest.mark.browser
JOURNEY = "supervision"


@pytest.fixture
def engine_name():
    return "sqlite"


@pytest.fixture
def people(make):
    science, finance = make.department("市科技局"), make.department("市财政局")
    for name in ("市大数据局", "市发展改革委", "市政务服务办"):
        make.department(name)
    return {"office": make.user("office", roles=["office"]), "leader": make.user("leader", roles=["leader"],
                                                                                    name="赵领导"),
            "liaison": make.liaison(science, "kjj"), "head": make.head(science, "kjj_head"),
            "finance": make.liaison(finance, "czj")}


def _log_out(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login")


def _register(page, today):
    browser_login(page, "office")
    page.get_by_role("link", name="督查督办", exact=True).click()
    page.get_by_test_id("new-instruction").click()
    form = page.get_by_test_id("instruction-form")
    form.get_by_label("批示件标题").fill("关于科技型中小企业融资难问题的报告")
    form.get_by_label("批示领导", exact=True).select_option(label="赵领导")
    form.get_by_label("批示日期").fill(today.isoformat())
    form.get_by_label("批示内容").fill("请市科技局牵头，会同市财政局研究提出意见，月底前报我。")
    page.get_by_test_id("read-words").click()
    expect(page.get_by_test_id("read-done")).to_be_visible()
    # The words were read: 市科技局 leads, 市财政局 works with it, due at the month's end.
    assert page.get_by_label("牵头单位").evaluate("e => e.options[e.selectedIndex].text") == "市科技局"
    assert page.get_by_label("市财政局").is_checked()
    month_end = page.get_by_label("办理时限").input_value()
    assert month_end.startswith(today.strftime("%Y-%m-"))
    page.get_by_label("反馈要求").fill("提出具体措施和资金安排")
    shoot(page, JOURNEY, "register-instruction", phone=True)
    page.get_by_test_id("register").click()
    expect(page.get_by_text("批示件已登记并交办给市科技局")).to_be_visible()
    assert page.get_by_test_id("item-source").inner_text() == "领导批示"
    task_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    _log_out(page)
    return task_id


def test_an_instruction_is_assigned_signed_reported_and_followed_by_its_leader(page, people):
    today = local_today()
    task_id = _register(page, today)

    # The liaison of 市科技局 signs for it and reports on it.
    browser_login(page, "kjj")
    page.goto(f"/tasks/{task_id}")
    expect(page.get_by_test_id("instruction-words")).to_contain_text("请市科技局牵头")
    page.get_by_test_id("sign").click()
    expect(page.get_by_text("已签收").first).to_be_visible()
    page.get_by_test_id("due-periods").get_by_role("link", name="填报").first.click()
    page.wait_for_url("**/report")
    page.get_by_label("进展状态").select_option("in_progress")
    page.get_by_label("完成百分比(%)").fill("30")
    page.get_by_label("进展情况").fill("已会同市财政局开展调研,形成初步意见。")
    page.get_by_role("button", name="提交报送").click()
    expect(page.get_by_text("已提交,等待审核")).to_be_visible()
    _log_out(page)

    # The leader sees his instruction and how it is going on his dashboard.
    browser_login(page, "leader")
    page.goto("/overview/leader")
    row = page.get_by_test_id("instructions").get_by_test_id("instruction-row")
    expect(row).to_contain_text("关于科技型中小企业融资难问题的报告")
    expect(row).to_contain_text("市科技局")
    expect(row).to_contain_text("推进中 30%")
    shoot(page, JOURNEY, "leader-instructions", phone=True)
    # The overview filters by source.
    page.goto("/tasks/?source=instruction")
    expect(page.get_by_test_id("total")).to_have_text("共 1 项")


def test_minutes_are_imported_and_their_decisions_published(page, people):
    browser_login(page, "office")
    page.goto("/supervision/")
    page.get_by_test_id("new-minutes").click()
    form = page.get_by_test_id("minutes-form")
    form.get_by_label("会议名称").fill("数字政府建设推进会议")
    form.get_by_label("专题会议").check()
    form.get_by_label("会议日期").fill("2026-02-20")
    form.get_by_label("会议纪要全文").fill(TABLE)
    page.get_by_test_id("import-minutes").click()
    page.wait_for_url("**/review")
    expect(page.get_by_text("已导入会议纪要")).to_be_visible()
    for decision in ("完成政务数据共享平台二期建设", "制定公共数据开放目录"):
        expect(page.get_by_text(decision).first).to_be_visible()
    shoot(page, JOURNEY, "minutes-review")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("publish").click()
    expect(page.get_by_text("已发布《数字政府建设推进会议》:3 项任务已交办。")).to_be_visible()
    page.goto("/supervision/")
    page.get_by_test_id("meetings").get_by_role("link", name="数字政府建设推进会议").click()
    decisions = page.get_by_test_id("decisions")
    expect(decisions).to_contain_text("市政务服务办")
    expect(decisions.locator("tbody tr")).to_have_count(3)
    shoot(page, JOURNEY, "meeting", phone=True)


def test_a_notice_is_issued_downloaded_answered_with_evidence_and_seen(page, people, tmp_path):
    today = local_today()
    task_id = _register(page, today)
    task = _db.session.get(Task, task_id)
    task.light, task.light_reason = Light.RED, "进展滞后于时序进度"
    _db.session.commit()

    browser_login(page, "office")
    page.goto(f"/tasks/{task_id}")
    page.get_by_test_id("issue-notice").click()
    form = page.get_by_test_id("notice-form")
    expect(form.get_by_label("滞后情况")).to_have_value("进展滞后于时序进度")
    form.get_by_label("督办要求").fill("请说明滞后原因并提出整改措施")
    form.get_by_label("书面反馈时限(不填为5个工作日后)").fill((today + timedelta(days=7)).isoformat())
    page.get_by_test_id("issue").click()
    number = f"督办〔{today.year}〕1号"
    expect(page.get_by_test_id("notice-number")).to_have_text(number)
    with page.expect_download() as download:
        page.get_by_test_id("notice-pdf").evaluate("link => link.setAttribute('download', '')")
        page.get_by_test_id("notice-pdf").click()
    pdf = tmp_path / "notice.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert number in text and "请说明滞后原因并提出整改措施" in text
    _log_out(page)

    # The head of 市科技局 finds it in his ledger and replies with evidence.
    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(PDF)
    browser_login(page, "kjj_head")
    page.goto("/supervision/notices")
    page.get_by_test_id("ledger").get_by_role("link", name=number).click()
    reply = page.get_by_test_id("reply-form")
    reply.get_by_label("反馈内容").fill("已召开专题会研究整改,措施见附件。")
    reply.get_by_label("佐证材料").set_input_files(str(evidence))
    shoot(page, JOURNEY, "reply", phone=True)
    page.get_by_test_id("submit-reply").click()
    expect(page.get_by_test_id("reply-text")).to_have_text("已召开专题会研究整改,措施见附件。")
    _log_out(page)

    # The office sees the reply in the ledger and every step in the item's history.
    browser_login(page, "office")
    page.goto("/supervision/notices?state=answered")
    expect(page.get_by_test_id("ledger-row")).to_contain_text("已反馈")
    page.get_by_test_id("ledger").get_by_role("link", name=number).click()
    expect(page.get_by_test_id("evidence-link")).to_have_text("整改报告.pdf")
    page.goto(f"/tasks/{task_id}")
    history = page.get_by_test_id("history").inner_text()
    for step in ("登记批示并交办", "发出督办单/催办", "督办反馈", "上传佐证材料"):
        assert step in history, step
    shoot(page, JOURNEY, "item-history")
