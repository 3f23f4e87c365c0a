"""Plain text in any encoding a Chinese plan arrives in: UTF-8, UTF-16, GB18030/GBK, Big5."""
from __future__ import annotations

import codecs

import charset_normalizer

from tracker.plans.parser.errors import PlanFileError

# Encodings a Chinese plan arrives in; charset-normalizer picks among them by how readable the result is.
CHINESE_ENCODINGS = ["gb18030", "big5", "big5hkscs", "utf_8"]
# Names a page declares for what GB18030 reads as well (it is their superset).
GB_FAMILY = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "csgb2312", "cp936", "euc-cn", "hz-gb-2312"}


def read_text(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise PlanFileError("这是一个压缩包或 Word 文件,不是纯文本;Word 文件请以 .docx 扩展名上传。")
    return decode(data)


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: a byte-order mark, then the encoding the file declares, then UTF-8, then a guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data, "utf-8-sig")
    if b"\x00" in data:
        raise binary_error()
    for encoding in filter(None, [_known(declared), "utf-8"]):
        try:
            return _checked(data.decode(encoding))
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data, cp_isolation=CHINESE_ENCODINGS).best()
    if best is None:
        raise PlanFileError(
            "无法识别文件的文字编码,文件可能已损坏或不是文本文件。"
            "请用记事本或 Word 打开后另存为 UTF-8 编码的 .txt 文件再上传。"
        )
    return _checked(str(best))


def _known(declared: str | None) -> str | None:
    if not declared:
        return None
    name = declared.strip().lower()
    if name in GB_FAMILY:
        return "gb18030"
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    # A declaration readable as ASCII cannot be true of a two- or four-byte encoding.
    return None if found.startswith(("utf-16", "utf-32")) else found


def _decode(data: bytes, encoding: str) -> str:
    try:
        return _checked(data.decode(encoding))
    except UnicodeDecodeError:
        raise PlanFileError(f"文件声明为 {encoding.upper()} 编码,但内容无法按此编码读取,文件可能已损坏。") from None


def _checked(text: str) -> str:
    """Reject text that decoded but is mostly control characters: a binary file with a .txt name."""
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f\v")
    if controls > max(8, len(text) // 100):
        raise binary_error()
    return text


def binary_error() -> PlanFileError:
    return PlanFileError("文件内容不是文字(可能是图片、压缩包或其他二进制文件),请上传方案的 .txt、.docx 或 .pdf 文件。")
