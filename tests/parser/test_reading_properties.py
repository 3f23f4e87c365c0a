"""No bytes under any accepted suffix crash a reader: each gives text or a PlanFileError, nothing else.

Random bytes rarely get past a format's first check, so the files are also real ones of each
format with a few bytes changed or cut short, which reach deep into the readers.
"""
from __future__ import annotations

import functools
import io

import docx
import openpyxl
import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.parser.pdf_files import pdf
from tracker.plans.parser import PlanFileError, read_plan_bytes
from tracker.plans.parser.reading import ACCEPTED_SUFFIXES

FEW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROWS = [["序号", "重点任务", "牵头单位", "配合单位"], ["1", "建设中试基地", "市科技局", "市财政局"]]


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("（一）加强组织领导。（责任单位：市科技局）")
    table = document.add_table(rows=2, cols=4)
    for row, values in zip(table.rows, ROWS):
        for cell, value in zip(row.cells, values):
            cell.text = value
    table.cell(0, 2).merge(table.cell(1, 2))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    for row in ROWS:
        workbook.active.append(row)
    workbook.active.merge_cells("C1:C2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xls() -> bytes:
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("表")
    for row_index, row in enumerate(ROWS):
        for column, value in enumerate(row):
            sheet.write(row_index, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@functools.cache
def _samples() -> dict[str, bytes]:
    table = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in ROWS)
    html = f"<html><head><meta charset='gbk'></head><body><p>（一）加强组织领导。</p><table>{table}</table></body></html>"
    return {
        "docx": _docx(), "xlsx": _xlsx(), "xls": _xls(), "html": html.encode("gbk"),
        "pdf": pdf(f"<p>（一）加强组织领导。（责任单位：市科技局）</p><table>{table}</table>"),
        "csv": "\n".join(",".join(row) for row in ROWS).encode("gb18030"),
        "txt": "（一）加强组织领导。（责任单位：市科技局）".encode("utf-16"),
    }


def _read(data: bytes, filename: str) -> None:
    try:
        text = read_plan_bytes(data, filename)
    except PlanFileError as error:
        assert error.message.strip()
    else:
        assert isinstance(text, str) and text.strip()


@FEW
@given(st.binary(max_size=2000), st.sampled_from(ACCEPTED_SUFFIXES))
def test_random_bytes_under_every_suffix(data, suffix):
    _read(data, f"plan.{suffix}")


@FEW
@given(st.sampled_from(sorted(["docx", "xlsx", "xls", "html", "pdf", "csv", "txt"])), st.data())
def test_real_files_with_bytes_changed_or_cut(kind, data):
    original = bytearray(_samples()[kind])
    for _ in range(data.draw(st.integers(1, 8))):
        original[data.draw(st.integers(0, len(original) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(original) // 2, len(original)))
    suffix = data.draw(st.sampled_from([kind, *ACCEPTED_SUFFIXES]))
    _read(bytes(original[:cut]), f"plan.{suffix}")


def test_the_samples_themselves_read():
    for kind, data in _samples().items():
        assert "加强组织领导" in read_plan_bytes(data, f"plan.{kind}") or "建设中试基地" in read_plan_bytes(data, f"plan.{kind}")
