"""The office imports a plan in each format it receives (a saved web page, an Excel task table, a PDF)
through the upload page, sees each on the review page with its tasks and lead units, fixes one lead
and publishes."""
from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import shoot
from tests.conftest import browser_login
from tests.parser.pdf_files import pdf
from tracker.demo import build_departments

pytestmark = pytest.mark.browser
JOURNEY = "plan-formats"
FILE_LABEL = "方案文件(Word、PDF、网页、Excel 任务表或纯文本)"

PAGE = """<html><head><meta charset="gbk"><title>某市人民政府门户网站</title><script>track()</script></head><body>
<nav>首页 政务公开 政策文件</nav><div class="breadcrumb">当前位置：首页 &gt; 政策文件</div>
<div id="zoom">
<p style="text-align:center"><b style="font-size:22pt">某市促进科技成果转化</b></p>
<p style="text-align:center"><b style="font-size:22pt">三年行动方案</b></p>
<p>一、重点任务</p>
<p>（一）建设概念验证中心。支持高校院所建设概念验证中心，到2033年建成10家。（责任单位：市科技局、市财政局）</p>
<p>（二）培育技术经理人队伍。每年培训技术经理人200名以上。（责任单位：市人社局、市科技局）</p>
</div><div class="share">分享到：微信</div></body></html>"""

PDF_BODY = """<h1>某市知识产权强市建设实施方案</h1>
<p>一、重点任务</p>
<p>（一）提升专利质量。实施高价值专利培育计划，到2033年每万人口高价值发明专利拥有量达到12件。（责任单位：市市场监管局）</p>
<p>（二）强化金融支持。推广知识产权质押融资，年度质押融资额达到10亿元。（责任单位：市地方金融监管局、市财政局）</p>"""


def _workbook(path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["某市2031年科技创新重点任务分工表"])
    sheet.merge_cells("A1:E1")
    sheet.append(["完成时限", "重点任务", "序号", "牵头单位", "配合单位"])
    sheet.append(["2031年底前", "建设中试基地", 1, "市科技局", "市财政局"])
    sheet.append(["2031年底前", "培育高新技术企业", 2, None, "市税务局"])
    sheet.merge_cells("D3:D4")
    sheet.append(["持续推进", "完善创新券制度", 3, "市发展改革委", ""])
    workbook.save(path)


def _upload(page, path, title: str) -> None:
    page.goto("/plans/import")
    form = page.get_by_test_id("upload-form")
    form.get_by_label(FILE_LABEL).set_input_files(str(path))
    form.get_by_role("button", name="导入并解析").click()
    page.wait_for_url("**/review")
    expect(page.locator("h1")).to_have_text(f"审核《{title}》")


def _task(page, text: str):
    return page.get_by_test_id("plan-tree").locator(".plan-task", has_text=text)


@pytest.fixture
def engine_name():
    return "sqlite"


def test_office_imports_a_web_page_an_excel_table_and_a_pdf_fixes_a_lead_and_publishes(page, db, office, tmp_path):
    build_departments()
    db.session.commit()
    browser_login(page, office.login)

    web_page = tmp_path / "科技成果转化方案.html"
    web_page.write_bytes(PAGE.encode("gbk"))
    _upload(page, web_page, "某市促进科技成果转化三年行动方案")
    expect(_task(page, "建设概念验证中心").locator(".task-units")).to_contain_text("市科技局")
    expect(_task(page, "培育技术经理人队伍").locator(".task-units")).to_contain_text("市人力资源社会保障局")
    expect(page.get_by_text("分享到")).to_have_count(0)
    shoot(page, JOURNEY, "1-review-html")

    document = tmp_path / "知识产权方案.pdf"
    document.write_bytes(pdf(PDF_BODY))
    _upload(page, document, "某市知识产权强市建设实施方案")
    expect(_task(page, "提升专利质量").locator(".task-units")).to_contain_text("市市场监管局")
    expect(_task(page, "强化金融支持").locator(".task-units")).to_contain_text("市地方金融监管局")
    shoot(page, JOURNEY, "2-review-pdf")

    table = tmp_path / "分工表.xlsx"
    _workbook(table)
    _upload(page, table, "某市2031年科技创新重点任务分工表")
    for title, lead in [("建设中试基地", "市科技局"), ("培育高新技术企业", "市科技局"), ("完善创新券制度", "市发展改革委")]:
        expect(_task(page, title).locator(".task-units .unit").first).to_have_text(lead)
    shoot(page, JOURNEY, "3-review-xlsx", phone=True)

    second = _task(page, "培育高新技术企业")
    key = second.get_attribute("data-testid")
    second.get_by_role("link", name="编辑或拆分").click()
    page.get_by_label("牵头单位").fill("市经济和信息化局")
    page.get_by_test_id("save-task").click()
    page.wait_for_url(f"**/review#{key}")
    expect(_task(page, "培育高新技术企业").locator(".task-units .unit").first).to_have_text("市经济和信息化局")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("publish").click()
    page.wait_for_url(re.compile(r"/plans/\d+$"))
    expect(page.get_by_test_id("lead-市经济和信息化局")).to_contain_text("培育高新技术企业")
    expect(page.get_by_test_id("lead-市科技局")).to_contain_text("建设中试基地")
    expect(page.get_by_test_id("lead-市科技局")).not_to_contain_text("培育高新技术企业")
    shoot(page, JOURNEY, "4-published")
