"""Bounds on what one upload may cost: bytes, unpacked size, parts, paragraphs and seconds.

A small file can unpack into a great deal (a 10 KB .docx holding a million paragraphs), so an
archive is measured before it is opened and every reader counts what it produces as it goes.
"""
from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from tracker.plans.parser.errors import PlanFileError

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 25 * MEGABYTE
    max_unpacked: int = 50 * MEGABYTE
    max_parts: int = 2000
    # Office XML packs about ten to one; a part packed far tighter than any document is a bomb.
    max_ratio: int = 200
    # Fifteen times the longest plan we know, and what the parser gets through in a few seconds.
    max_paragraphs: int = 50_000
    # Below gunicorn's 30 s worker timeout, so that the user gets the message rather than a 502.
    seconds: float = 20.0
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)


LIMITS = Limits()


def megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB"


class Budget:
    """What a reader may still produce: counts paragraphs and rows, and watches the clock."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = limits.clock() + limits.seconds
        self.paragraphs = 0

    def spend(self, paragraphs: int = 1) -> None:
        self.paragraphs += paragraphs
        if self.paragraphs > self.limits.max_paragraphs:
            raise PlanFileError(
                f"文件里的段落和表格行超过 {self.limits.max_paragraphs:,} 个,远多于任何方案,未导入。"
                "请确认上传的是方案正文,或把附件拆开后分别上传。")
        self.check_time()

    def check_time(self) -> None:
        if self.limits.clock() >= self.deadline:
            raise PlanFileError(
                f"读取文件超过了 {self.limits.seconds:g} 秒的时限,未导入。"
                "文件可能过大或结构异常;请另存为 .docx 或纯文本(.txt)后再上传。")


def check_archive(archive: zipfile.ZipFile, limits: Limits, kind: str) -> None:
    """Refuse an archive whose parts unpack beyond the limits, before any part is read."""
    members = archive.infolist()
    if len(members) > limits.max_parts:
        raise PlanFileError(f"这个 {kind} 文件由 {len(members):,} 个部件组成,超过了 {limits.max_parts:,} 个的上限,"
                            "文件可能已损坏或被故意构造,未导入。")
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked:
        raise PlanFileError(f"这个 {kind} 文件解压后有 {megabytes(unpacked)},超过了 {megabytes(limits.max_unpacked)} 的上限,"
                            "未导入。请删去图片、附件后再上传。")
    for member in members:
        if member.file_size > MEGABYTE and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise PlanFileError(f"这个 {kind} 文件的“{member.filename}”压缩比异常(解压后 {megabytes(member.file_size)}),"
                                "不像正常的文档,未导入。请在 Word 或 Excel 中另存后再上传。")
