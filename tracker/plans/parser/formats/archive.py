"""Zip-based office files (.docx, .xlsx), opened only after their parts were measured."""
from __future__ import annotations

import io
import zipfile

from tracker.plans.parser.errors import PlanFileError
from tracker.plans.parser.formats.limits import Limits, check_archive


def open_archive(data: bytes, limits: Limits, kind: str, hint: str) -> zipfile.ZipFile:
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
