"""Uploads → text: encodings, Word files, and a clear message for everything that is not a plan."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest

from tracker.plans.parser import PlanFileError, read_plan_bytes
from tracker.plans.parser.reading import Limits

PLAN = "蚌埠市加快建设科技强市三年行动方案\n1 .创新平台体系重构行动。积极推进重点实验室优化重组。(责任单位:市科技局、市发展改革委)\n"
TRADITIONAL = "(三)超前部署前瞻性產業。實施重點研發計畫,掌握一批具有自主智慧財產權的重大原創成果。(責任部門:省科技廳、發展改革委,蘇南五市)\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_simplified_text_in_each_encoding_reads_back(encoding):
    assert read_plan_bytes(PLAN.encode(encoding), "plan.txt") == PLAN


@pytest.mark.parametrize("encoding", ["big5", "utf-8", "utf-8-sig"])
def test_traditional_text_reads_back(encoding):
    assert read_plan_bytes(TRADITIONAL.encode(encoding), "方案.txt") == TRADITIONAL


def test_docx_paragraphs_and_tables_in_reading_order():
    document = docx.Document()
    document.add_paragraph("专栏一 主要指标")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["指标名称", "2020年", "目标值"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["国家高新技术企业数(户)", "3328", "10000"]):
        cell.text = text
    document.add_paragraph("(一)加强组织领导。(责任单位:市科技局)")
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_plan_bytes(buffer.getvalue(), "方案.DOCX")
    assert text.splitlines() == [
        "专栏一 主要指标",
        "指标名称 | 2020年 | 目标值 |",
        "国家高新技术企业数(户) | 3328 | 10000 |",
        "(一)加强组织领导。(责任单位:市科技局)",
    ]


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t ", "\ufeff".encode("utf-8")])
def test_empty_file(data):
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(data, "plan.txt")
    assert "空" in raised.value.message or "没有文字" in raised.value.message


def test_binary_file_with_a_txt_name():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(png, "plan.txt")
    assert "不是文字" in raised.value.message


def test_zip_with_a_txt_name():
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(b"PK\x03\x04" + b"\x00" * 100, "plan.txt")
    assert ".docx" in raised.value.message


def test_fifty_megabytes_is_refused_with_the_limit_named():
    data = PLAN.encode("utf-8") * (50 * 1024 * 1024 // len(PLAN.encode("utf-8")) + 1)
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(data, "plan.txt")
    assert "50.0 MB" in raised.value.message and "25.0 MB" in raised.value.message


def test_size_limit_is_an_argument():
    with pytest.raises(PlanFileError):
        read_plan_bytes(PLAN.encode("utf-8"), "plan.txt", Limits(max_bytes=10))
    assert read_plan_bytes(PLAN.encode("utf-8"), "plan.txt", Limits(max_bytes=10_000)) == PLAN


def test_undecodable_bytes():
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(b"\x80\xff\xfe\x81" * 500, "plan.txt")
    assert "编码" in raised.value.message or "不是文字" in raised.value.message


def test_declared_utf16_that_is_broken():
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(b"\xff\xfe\x00\xd8", "plan.txt")
    assert "UTF-16" in raised.value.message


@pytest.mark.parametrize("filename, word", [("plan.doc", ".doc"), ("plan.wps", "WPS"), ("plan.et", ".xlsx"), ("plan.ofd", "PDF"),
                                            ("plan.rtf", "“.rtf”")])
def test_unsupported_types_say_what_to_do(filename, word):
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(PLAN.encode("utf-8"), filename)
    assert word in raised.value.message
    assert ".docx" in raised.value.message or ".xlsx" in raised.value.message


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx_with_broken_body() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as original:
        return _zip({name: b"<broken" if name == "word/document.xml" else original.read(name) for name in original.namelist()})


@pytest.mark.parametrize("data", [b"PK\x03\x04 this is no word file", _zip({"a.txt": b"x"}), _docx_with_broken_body()],
                         ids=["not a zip", "zip without a document", "broken document xml"])
def test_corrupt_docx(data):
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(data, "plan.docx")
    assert ".docx" in raised.value.message
