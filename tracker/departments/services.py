"""Creating and editing departments, their aliases and group members."""
from __future__ import annotations

import re

import sqlalchemy as sa

from tracker.audit.services import record_diff, snapshot
from tracker.departments.models import Department, DepartmentAlias, DepartmentLevel
from tracker.extensions import db
from tracker.text import clean_name

AUDITED_FIELDS = ("name", "short_name", "level", "parent_id", "is_group", "is_active", "requires_head_confirmation",
                  "alias_names", "member_names")
_ALIAS_SEPARATORS = re.compile(r"[\n,，、;；]+")


class DepartmentNameTaken(ValueError):
    """Raised when a name or alias already belongs to another department."""


def split_aliases(text: str) -> list[str]:
    return [part.strip() for part in _ALIAS_SEPARATORS.split(text or "") if part.strip()]


def _department_snapshot(department: Department) -> dict:
    return snapshot(department, AUDITED_FIELDS[:-2]) | {
        "alias_names": sorted(a.alias for a in department.aliases),
        "member_names": sorted(m.name for m in department.members),
    }


def name_owner(name: str) -> Department | None:
    """The department that already uses `name` as its name or an alias."""
    by_name = db.session.scalar(sa.select(Department).where(Department.name == name))
    if by_name is not None:
        return by_name
    return db.session.scalar(
        sa.select(Department).join(DepartmentAlias).where(DepartmentAlias.alias == name)
    )


def lead_choices() -> list[tuple[int, str]]:
    """(id, name) of the active departments that can lead an item, by name: not groups, which have no
    liaison of their own to file its report."""
    return list(db.session.execute(
        sa.select(Department.id, Department.name)
        .where(Department.is_active.is_(True), Department.is_group.is_(False)).order_by(Department.name)).all())


def save_department(
    department: Department | None,
    *,
    name: str,
    short_name: str | None = None,
    level: DepartmentLevel = DepartmentLevel.OTHER,
    parent: Department | None = None,
    is_group: bool = False,
    is_active: bool = True,
    requires_head_confirmation: bool = False,
    aliases: list[str] = (),
    members: list[Department] = (),
    by=None,
) -> Department:
    """Create (department=None) or update a department; every name must be unused elsewhere."""
    name, short_name, aliases = clean_name(name), clean_name(short_name) or None, [clean_name(a) for a in aliases]
    is_new = department is None
    department = department or Department(name=name)
    before = {} if is_new else _department_snapshot(department)
    for candidate in [name, *aliases]:
        owner = name_owner(candidate)
        if owner is not None and owner is not department:
            raise DepartmentNameTaken(candidate)
    department.name = name
    department.short_name = short_name
    department.level = level
    department.parent = parent
    department.is_group = is_group
    department.is_active = is_active
    department.requires_head_confirmation = requires_head_confirmation
    _set_aliases(department, aliases)
    department.members = list(members) if is_group else []
    db.session.add(department)
    db.session.flush()
    record_diff(
        "department.created" if is_new else "department.updated", department, before,
        _department_snapshot(department), by=by,
    )
    return department


def _set_aliases(department: Department, aliases: list[str]) -> None:
    wanted = list(dict.fromkeys(a for a in aliases if a and a != department.name))
    keep = [a for a in department.aliases if a.alias in wanted]
    present = {a.alias for a in keep}
    department.aliases = keep + [DepartmentAlias(alias=a) for a in wanted if a not in present]
