"""Zip-based office files (.docx, .xlsx), opened only after their parts were measured."""
from __future__ import annotations

import io
import zipfile

from tracker.plans.parser.errors import PlanFileError
from tracker.plans.parser.formats.limits import Limits, check_archive


# Old Office files (.doc, .xls) and password-protected new ones are OLE compound files, not zips.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_archive(data: bytes, limits: Limits, kind: str, hint: str) -> zipfile.ZipFile:
    if data.startswith(OLE_MAGIC):
        raise PlanFileError(f"这个文件不是 {kind} 格式:它是旧版 Office 文件,或设置了打开密码。请取消密码,"
                            f"或在 Office/WPS 中另存为 {kind} 后再上传。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise PlanFileError(f"无法打开这个 {kind} 文件,文件可能已损坏或并非 {kind} 文件。{hint}") from error
    check_archive(archive, limits, kind)
    return archive


def read_part(archive: zipfile.ZipFile, name: str, kind: str, hint: str) -> bytes | None:
    """A part's bytes, None when the archive has no such part."""
    try:
        return archive.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        raise PlanFileError(f"无法读取这个 {kind} 文件的内容,文件可能已损坏或已加密。{hint}") from error
