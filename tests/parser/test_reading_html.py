"""Web pages saved from a government site read to clean paragraphs, their tables kept as tables."""
from __future__ import annotations

import pytest

from tests.samples import REAL_PLANS
from tracker.plans.parser import PlanFileError, parse_plan, read_plan_bytes

PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某市人民政府办公室关于印发某市数字乡村建设行动方案的通知_某市人民政府门户网站</title>
<style>p { text-indent: 2em }</style><script>var share = "分享到微信";</script></head>
<body>
<div class="header"><a href="/">首页</a> <a href="/zw">政务公开</a></div>
<nav>网站导航 政务公开 政务服务</nav>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 政策文件</div>
<div class="article">
  <h1>某市人民政府办公室关于印发某市数字乡村建设行动方案的通知</h1>
  <div id="zoom">
    <p style="text-align: center"><span style="font-size: 22pt; font-weight: bold">某市数字乡村</span></p>
    <p style="text-align: center"><span style="font-size: 22pt; font-weight: bold">建设行动方案</span></p>
    <p style="text-align:center">某政办〔2031〕7号</p>
    <p>为加快推进数字乡村建设&ldquo;整体跃升&rdquo;，制定本方案。</p>
    <p><b>一、重点任务</b></p>
    <p>（一）建设乡村信息基础设施。到2032年底，行政村千兆光网通达率达到100%。<br>（责任单位：市工业和信息化局、市通信发展管理办公室）</p>
    <div>（二）发展&nbsp;智慧农业。推进农业生产
    数字化改造。<span style="display:none">隐藏的统计代码</span>（责任单位：市农业农村局）</div>
    <table border="1">
      <tr><td>序号</td><td>重点任务</td><td colspan="2">责任单位</td><td>完成时限</td></tr>
      <tr><td></td><td></td><td>牵头单位</td><td>配合单位</td><td></td></tr>
      <tr><td>1</td><td>建设益农信息社</td><td rowspan="2">市农业农村局</td><td>市商务局</td><td>2032年底前</td></tr>
      <tr><td>2</td><td>培育农村电商 | 直播带货</td><td>市供销社</td><td>2033年6月底前</td></tr>
    </table>
  </div>
  <div class="share">分享到：微信 微博</div>
</div>
<footer>主办单位：某市人民政府办公室 网站标识码 1234</footer>
</body></html>"""


def test_a_saved_page_reads_as_its_article():
    text = read_plan_bytes(PAGE.encode("gb18030"), "方案.htm")
    assert text.splitlines() == [
        "某市人民政府办公室关于印发某市数字乡村建设行动方案的通知",
        "某市数字乡村建设行动方案",
        "某政办〔2031〕7号",
        "为加快推进数字乡村建设“整体跃升”，制定本方案。",
        "一、重点任务",
        "（一）建设乡村信息基础设施。到2032年底，行政村千兆光网通达率达到100%。",
        "（责任单位：市工业和信息化局、市通信发展管理办公室）",
        "（二）发展 智慧农业。推进农业生产数字化改造。（责任单位：市农业农村局）",
        "序号 | 重点任务 | 责任单位 | 责任单位 | 完成时限 |",
        " |  | 牵头单位 | 配合单位 |  |",
        "1 | 建设益农信息社 | 市农业农村局 | 市商务局 | 2032年底前 |",
        "2 | 培育农村电商 ｜ 直播带货 | 市农业农村局 | 市供销社 | 2033年6月底前 |",
    ]


@pytest.mark.parametrize("encoding, declared", [("gb18030", None), ("gb18030", "GB2312"), ("big5", "big5"), ("big5", None),
                                               ("utf-8", None), ("utf-8", "gbk")])
def test_the_encoding_is_the_declared_one_or_else_sniffed(encoding, declared):
    body = "<p>（一）加強組織領導。建立工作專班，統籌推進各項任務落實。</p>" * 3
    head = f'<meta charset="{declared}">' if declared else ""
    text = read_plan_bytes(f"<html><head>{head}</head><body>{body}</body></html>".encode(encoding), "plan.html")
    assert text.splitlines() == ["（一）加強組織領導。建立工作專班，統籌推進各項任務落實。"] * 3


def test_a_layout_table_is_read_as_its_paragraphs():
    fragment = ("<tbody><tr><td class='b12c'><p>一、总体要求</p><p>（一）加强组织领导。</p></td></tr>"
                "<tr><td></td></tr></tbody>")
    assert read_plan_bytes(fragment.encode("utf-8"), "plan.html").splitlines() == ["一、总体要求", "（一）加强组织领导。"]


def test_a_page_table_becomes_tasks_with_lead_and_co_units():
    plan = parse_plan(read_plan_bytes(PAGE.encode("gb18030"), "方案.html"))
    by_title = {task.title: task for task in plan.tasks}
    assert (by_title["培育农村电商｜直播带货"].lead, by_title["培育农村电商｜直播带货"].co) == ("市农业农村局", ["市供销社"])
    assert (by_title["建设益农信息社"].lead, by_title["建设益农信息社"].co) == ("市农业农村局", ["市商务局"])


@pytest.mark.parametrize("data", [b"<html><body><script>x()</script></body></html>", b"<!-- only a comment -->",
                                  b"<div style='display:none'>hidden</div><nav>nav</nav>"])
def test_a_page_without_text_is_refused(data):
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(data, "plan.html")
    assert "没有" in raised.value.message


@pytest.mark.parametrize("name, title, tasks", [
    ("02_guobanfa2018-129_xiaofei_fupin.html", "国务院办公厅关于深入开展消费扶贫助力打赢脱贫攻坚战的指导意见", 17),
    ("09_guofa2019-3_zonghe_baoshuiqu.html", "国务院关于促进综合保税区高水平开放高质量发展的若干意见", 21),
])
def test_the_gov_cn_pages_read_to_paragraphs(name, title, tasks):
    text = read_plan_bytes((REAL_PLANS / name).read_bytes(), name)
    lines = text.splitlines()
    assert lines[0] == title
    assert lines[-3:-1] and lines[-1] == "（此件公开发布）"
    assert not any("<" in line or "style=" in line or "&nbsp" in line or line != line.strip() for line in lines)
    plan = parse_plan(text, filename=name)
    assert plan.title == title and len(plan.tasks) == tasks
