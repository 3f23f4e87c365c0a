"""PDFs with a text layer read back to the paragraphs they were made from; a scan gets a message."""
from __future__ import annotations

import base64
import io
import struct
import zlib

import pypdf
import pytest

from tests.parser.pdf_files import pdf
from tracker.plans.parser import PlanFileError, parse_plan, read_plan_bytes

TITLE = "某市关于加快建设科技创新高地推动高质量发展的三年行动方案"
MEASURE = ("推进重点实验室优化重组，完善科技创新平台体系，推动创新资源向企业集聚，"
           "支持龙头企业牵头组建创新联合体，开展关键核心技术攻关。")
NUMERALS = "一二三四五六七八九十"
PARAGRAPHS = [f"（{numeral}）第{numeral}项重点任务。{MEASURE * 4}到2032年建成创新平台{index}0个。（责任单位：市科技局、市发展改革委）"
              for index, numeral in enumerate(NUMERALS, start=1)]
BODY = (f"<h1>{TITLE}</h1><p class=number>某政办〔2031〕7号</p><p>一、重点任务</p>"
        + "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS) + "<p>二、保障措施</p><p>各地各部门要加强组织领导。</p>")
EXPECTED = [TITLE, "某政办〔2031〕7号", "一、重点任务", *PARAGRAPHS, "二、保障措施", "各地各部门要加强组织领导。"]


def test_a_one_column_pdf_reads_back_to_its_paragraphs_without_running_heads_or_page_numbers():
    data = pdf(BODY)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 3
    assert read_plan_bytes(data, "方案.pdf").splitlines() == EXPECTED


def test_a_two_column_pdf_is_read_column_by_column():
    data = pdf(BODY, "body { columns: 2; column-gap: 1.2cm; } h1, p.number { column-span: all; }")
    assert read_plan_bytes(data, "方案.PDF").splitlines() == EXPECTED


def test_the_tasks_of_a_pdf_plan_are_found_with_their_units():
    plan = parse_plan(read_plan_bytes(pdf(BODY), "方案.pdf"))
    assert plan.title == TITLE
    assert [(task.number, task.lead) for task in plan.tasks[:10]] == [(f"({numeral})", "市科技局") for numeral in NUMERALS]


TABLE = """<p>附件</p><h1>重点任务分工表</h1><table>
<thead><tr><th>序号</th><th>重点任务</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr></thead>
<tbody>
<tr><td>1</td><td>建设中试基地</td><td rowspan="2">市科技局</td><td>市财政局</td><td>2032年底前</td></tr>
<tr><td>2</td><td>培育高新技术企业</td><td>市税务局</td><td>2033年底前</td></tr>
<tr><td>3</td><td>完善知识产权保护体系</td><td>市市场监管局</td><td></td><td>持续推进</td></tr>
</tbody></table><p>注：排在第一位的为牵头单位。</p>"""


# One page cannot show that its head repeats, so this one has none.
NO_RUNNING_HEAD = "@page { @top-center { content: none; } }"


def test_a_ruled_table_is_kept_as_a_table_with_its_merged_cell_in_each_row():
    lines = read_plan_bytes(pdf(TABLE, NO_RUNNING_HEAD), "分工表.pdf").splitlines()
    assert lines == [
        "附件", "重点任务分工表",
        "序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |",
        "1 | 建设中试基地 | 市科技局 | 市财政局 | 2032年底前 |",
        "2 | 培育高新技术企业 | 市科技局 | 市税务局 | 2033年底前 |",
        "3 | 完善知识产权保护体系 | 市市场监管局 |  | 持续推进 |",
        "注：排在第一位的为牵头单位。",
    ]
    plan = parse_plan("\n".join(lines))
    assert [(task.title, task.lead, task.co) for task in plan.tasks] == [
        ("建设中试基地", "市科技局", ["市财政局"]), ("培育高新技术企业", "市科技局", ["市税务局"]),
        ("完善知识产权保护体系", "市市场监管局", [])]


def test_a_table_that_runs_over_a_page_break_is_one_table_with_its_header_once():
    rows = "".join(f"<tr><td>{n}</td><td>第{n}项任务</td><td>市科技局</td></tr>" for n in range(1, 61))
    table = f"<table><thead><tr><th>序号</th><th>重点任务</th><th>牵头单位</th></tr></thead><tbody>{rows}</tbody></table>"
    lines = read_plan_bytes(pdf(table), "分工表.pdf").splitlines()
    assert lines == ["序号 | 重点任务 | 牵头单位 |"] + [f"{n} | 第{n}项任务 | 市科技局 |" for n in range(1, 61)]


def _png(width: int = 200, height: int = 100) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes([(x * 7 + y) % 256 for x in range(width)]) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_a_scanned_pdf_without_text_gets_a_clear_message():
    image = base64.b64encode(_png()).decode()
    data = pdf(f'<img src="data:image/png;base64,{image}" style="width: 16cm">' * 2,
               "@page { @top-center { content: none; } @bottom-center { content: none; } }")
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(data, "扫描件.pdf")
    assert "没有文字层" in raised.value.message and "请上传带文字层的 PDF 或 Word 文件" in raised.value.message


def test_an_encrypted_pdf_says_so():
    reader = pypdf.PdfReader(io.BytesIO(pdf("<p>（一）加强组织领导。</p>")))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt("secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(buffer.getvalue(), "方案.pdf")
    assert "密码" in raised.value.message


@pytest.mark.parametrize("data", [b"%PDF-1.7\n" + bytes(200), b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF", b"not a pdf at all"])
def test_a_broken_pdf_gets_a_message(data):
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(data, "方案.pdf")
    assert "PDF" in raised.value.message
