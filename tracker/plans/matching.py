"""Matching the unit names a plan prints (责任单位) to the department directory.

A plan rarely spells a unit the way the directory does: 发改委, 发展改革委 and 发展和改革委员会 are one
body, 市科技局 may be listed as 科技局, and the directory may call it 市科学技术局. Names are compared
by a key that irons out those variations (see `name_key`), then by the key of the name without its
level prefix (省, 市, 区, 县), so that 科技局 finds 市科技局 and 省发改委 never finds the city's.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from tracker.departments.models import Department
from tracker.departments.services import save_department
from tracker.extensions import db

LEVEL_PREFIXES = ("省", "市", "区", "县")

# Spellings of one word in government unit names, longest first, applied after 和/与 are dropped.
_SPELLINGS = [
    ("管理委员会", "管委会"),
    ("委员会", "委"),
    ("人民政府", "政府"),
    ("科学技术", "科技"),
    ("市场监督管理", "市场监管"),
    ("人力资源社会保障", "人社"),
    ("住房城乡建设", "住建"),
    ("发展改革", "发改"),
    ("经济信息化", "经信"),
    ("工业信息化", "工信"),
]
# 和 / 与 inside a name ("发展和改革", "人力资源和社会保障"), not at its start ("和县").
_CONJUNCTION = re.compile(r"(?<=[\u4e00-\u9fff])[和与及](?=[\u4e00-\u9fff])")
_NOISE = re.compile(r"[\s\u3000·•.。,，、;；:：()（）\[\]【】\"'“”‘’]+")


def name_key(name: str) -> str:
    """The comparable form of a unit name: 市发展和改革委员会 → 市发改委, 市科学技术局 → 市科技局."""
    key = _NOISE.sub("", unicodedata.normalize("NFKC", name or ""))
    key = _CONJUNCTION.sub("", key)
    for spelling, canonical in _SPELLINGS:
        key = key.replace(spelling, canonical)
    return key


def _readings(key: str) -> list[tuple[str, str]]:
    """(prefix, body) readings of a key: as it stands, and without a level prefix if it has one.

    Both are kept because a leading 市 may be a prefix (市科技局) or part of the word (市场监管局).
    """
    readings = [("", key)]
    if key[:1] in LEVEL_PREFIXES and len(key) > 2:
        readings.append((key[0], key[1:]))
    return readings


@dataclass
class DepartmentMatch:
    """The outcome for one printed name: the department it stands for, or why there is none."""

    name: str
    department: Department | None = None
    candidates: list[Department] = field(default_factory=list)  # more than one: ambiguous

    @property
    def is_matched(self) -> bool:
        return self.department is not None


class DepartmentDirectory:
    """The active departments indexed by every key their names give, for matching many names at once."""

    def __init__(self, departments: list[Department]):
        # body → [(prefix as written, the department's own level prefix, department)]
        self._by_body: dict[str, list[tuple[str, str, Department]]] = defaultdict(list)
        for department in departments:
            own_prefix = _readings(name_key(department.name))[-1][0]
            names = [department.name, department.short_name, *(a.alias for a in department.aliases)]
            for name in filter(None, names):
                for prefix, body in _readings(name_key(name)):
                    self._by_body[body].append((prefix, own_prefix, department))

    @classmethod
    def load(cls) -> DepartmentDirectory:
        departments = db.session.scalars(
            sa.select(Department).where(Department.is_active.is_(True)).options(
                sa.orm.selectinload(Department.aliases), sa.orm.selectinload(Department.members)
            )
        ).all()
        return cls(departments)

    def match(self, name: str) -> DepartmentMatch:
        """A name written as the directory writes it (prefix and all) beats one that leaves the prefix
        out; a department whose level differs from the prefix printed never matches: 县发改委 is not
        the city's 发改委 even though the city's short name is 发改委."""
        exact, loose = [], []
        for prefix, body in _readings(name_key(name)):
            for written_prefix, own_prefix, department in self._by_body.get(body, ()):
                if prefix and (written_prefix or own_prefix) not in (prefix, ""):
                    continue
                (exact if written_prefix == prefix else loose).append(department)
        for found in (exact, loose):
            unique = list(dict.fromkeys(found))
            if len(unique) == 1:
                return DepartmentMatch(name, unique[0])
            if unique:
                return DepartmentMatch(name, candidates=unique)
        return DepartmentMatch(name)

    def match_all(self, names) -> dict[str, DepartmentMatch]:
        return {name: self.match(name) for name in dict.fromkeys(names) if name}


def add_alias(department: Department, alias: str, *, by=None) -> Department:
    """Teach the directory that `alias` names `department` (并入已有单位), audited like any edit."""
    return save_department(
        department,
        name=department.name,
        short_name=department.short_name,
        level=department.level,
        parent=department.parent,
        is_group=department.is_group,
        is_active=department.is_active,
        requires_head_confirmation=department.requires_head_confirmation,
        aliases=[*(a.alias for a in department.aliases), alias],
        members=department.members,
        by=by,
    )
