"""Uploaded bytes → text: plain text in UTF-8, UTF-16, GB18030/GBK or Big5, and Word .docx."""
from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

import charset_normalizer

MAX_BYTES = 25 * 1024 * 1024
TEXT_SUFFIXES = {"", ".txt", ".text"}
# Encodings a Chinese plan arrives in; charset-normalizer picks among them by how readable the result is.
CHINESE_ENCODINGS = ["gb18030", "big5", "big5hkscs", "utf_8"]
UNSUPPORTED_HINTS = {
    ".doc": "不支持旧版 Word(.doc)文件,请在 Word 中另存为 .docx 或纯文本(.txt)后再上传。",
    ".wps": "不支持 WPS 文件,请另存为 .docx 或纯文本(.txt)后再上传。",
    ".pdf": "暂不支持 PDF 文件,请把正文复制保存为纯文本(.txt)或 .docx 后再上传。",
}


class PlanFileError(ValueError):
    """An upload that cannot be read as a plan; `message` tells the user why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_plan_bytes(data: bytes, filename: str, max_bytes: int = MAX_BYTES) -> str:
    """Decode an uploaded plan file into text, or raise PlanFileError with a message for the user."""
    if len(data) > max_bytes:
        raise PlanFileError(
            f"文件大小为 {_megabytes(len(data))},超过了 {_megabytes(max_bytes)} 的上限。"
            "请确认上传的是方案正文,或删去图片、附件后再上传。"
        )
    if not data.strip():
        raise PlanFileError("文件是空的,没有可以导入的内容。")
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".docx":
        text = _read_docx(data)
    elif suffix in TEXT_SUFFIXES:
        text = _read_text(data)
    elif suffix in UNSUPPORTED_HINTS:
        raise PlanFileError(UNSUPPORTED_HINTS[suffix])
    else:
        raise PlanFileError(f"不支持“{suffix}”类型的文件,请上传纯文本(.txt)或 Word(.docx)文件。")
    if not text.strip():
        raise PlanFileError("文件里没有文字,没有可以导入的内容。")
    return text


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _read_text(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise PlanFileError("这是一个压缩包或 Word 文件,不是纯文本;Word 文件请以 .docx 扩展名上传。")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data, "utf-8-sig")
    if b"\x00" in data:
        raise _binary_error()
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=CHINESE_ENCODINGS).best()
    if best is None:
        raise PlanFileError(
            "无法识别文件的文字编码,文件可能已损坏或不是文本文件。"
            "请用记事本或 Word 打开后另存为 UTF-8 编码的 .txt 文件再上传。"
        )
    return _checked(str(best))


def _decode(data: bytes, encoding: str) -> str:
    try:
        return _checked(data.decode(encoding))
    except UnicodeDecodeError:
        raise PlanFileError(f"文件声明为 {encoding.upper()} 编码,但内容无法按此编码读取,文件可能已损坏。") from None


def _checked(text: str) -> str:
    """Reject text that decoded but is mostly control characters: a binary file with a .txt name."""
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f\v")
    if controls > max(8, len(text) // 100):
        raise _binary_error()
    return text


def _binary_error() -> PlanFileError:
    return PlanFileError("文件内容不是文字(可能是图片、压缩包或其他二进制文件),请上传方案的 .txt 或 .docx 文件。")


def _read_docx(data: bytes) -> str:
    # Imported here: python-docx pulls in lxml, which reading plain text never needs.
    import docx
    from docx.opc.exceptions import OpcError
    from docx.table import Table
    from lxml.etree import LxmlError

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, OpcError, LxmlError, KeyError, ValueError, OSError) as error:
        raise PlanFileError("无法打开这个 .docx 文件,文件可能已损坏或并非 Word 文档。请在 Word 中另存后再上传。") from error
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_rows(block))
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _table_rows(table) -> list[str]:
    """A Word table as pipe-separated rows, the form indicator tables take in copied text."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            # A merged cell is returned once per grid column it spans.
            if not cells or cells[-1] != text:
                cells.append(text)
        rows.append(" | ".join(cells) + " |")
    return rows
