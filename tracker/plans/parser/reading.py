"""Uploaded bytes → text, the same normalised text whatever the format.

Plain text in any encoding, web pages (.html/.htm), Word (.docx), PDF with a text layer, and
task tables in Excel (.xlsx/.xls) or .csv. Paragraphs come one a line and tables one row a line
(`cell | cell | cell |`); see `formats` for each reader and `formats.limits` for what an upload
may cost before it is refused.
"""
from __future__ import annotations

from pathlib import PurePath

from tracker.plans.parser.errors import PlanFileError
from tracker.plans.parser.formats import html, pdf, sheets, word
from tracker.plans.parser.formats.blocks import render
from tracker.plans.parser.formats.limits import LIMITS, Budget, Limits, megabytes
from tracker.plans.parser.formats.text import read_text

__all__ = ["ACCEPTED_SUFFIXES", "LIMITS", "Limits", "PlanFileError", "read_plan_bytes"]

TEXT_SUFFIXES = {"", ".txt", ".text"}
READERS = {
    ".html": html.read_html, ".htm": html.read_html, ".shtml": html.read_html,
    ".docx": word.read_docx,
    ".pdf": pdf.read_pdf,
    ".xlsx": sheets.read_xlsx, ".xls": sheets.read_xls, ".csv": sheets.read_csv,
}
ACCEPTED_SUFFIXES = sorted(suffix.lstrip(".") for suffix in TEXT_SUFFIXES | set(READERS) if suffix)
UNSUPPORTED_HINTS = {
    ".doc": "不支持旧版 Word(.doc)文件,请在 Word 中另存为 .docx 后再上传。",
    ".wps": "不支持 WPS 文件,请另存为 .docx 后再上传。",
    ".et": "不支持 WPS 表格文件,请另存为 .xlsx 后再上传。",
    ".ofd": "不支持 OFD 版式文件,请另存为 PDF 或 .docx 后再上传。",
}


def read_plan_bytes(data: bytes, filename: str, limits: Limits | None = None) -> str:
    """Decode an uploaded plan file into text, or raise PlanFileError with a message for the user."""
    limits = limits or LIMITS
    if len(data) > limits.max_bytes:
        raise PlanFileError(
            f"文件大小为 {megabytes(len(data))},超过了 {megabytes(limits.max_bytes)} 的上限。"
            "请确认上传的是方案正文,或删去图片、附件后再上传。"
        )
    if not data.strip():
        raise PlanFileError("文件是空的,没有可以导入的内容。")
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in READERS:
        text = render(READERS[suffix](data, Budget(limits)))
    elif suffix in TEXT_SUFFIXES:
        text = read_text(data)
        Budget(limits).spend(text.count("\n") + 1)
    elif suffix in UNSUPPORTED_HINTS:
        raise PlanFileError(UNSUPPORTED_HINTS[suffix])
    else:
        raise PlanFileError(f"不支持“{suffix}”类型的文件。请上传 {'、'.join(f'.{name}' for name in ACCEPTED_SUFFIXES)} 文件,"
                            "或把方案全文粘贴到文本框里。")
    if not text.strip():
        raise PlanFileError("文件里没有文字,没有可以导入的内容。")
    return text
