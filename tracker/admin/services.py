"""Admin operations behind the forms and the CLI: they flush and audit, the caller commits."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.services import record, record_diff, snapshot
from tracker.auth import services as auth_services
from tracker.auth.models import Role, User
from tracker.core import workdays
from tracker.core.models import CalendarDay, CalendarYear
from tracker.departments.models import Department, DepartmentLevel
from tracker.departments.services import save_department, split_aliases
from tracker.extensions import db
from tracker.text import clean_name

USER_FIELDS = ("login", "name", "email", "department_id", "is_active")


def save_department_from_form(department: Department | None, form, *, by) -> Department:
    members = db.session.scalars(sa.select(Department).where(Department.id.in_(form.member_ids.data or []))).all()
    return save_department(
        department,
        name=form.name.data.strip(),
        short_name=(form.short_name.data or "").strip(),
        level=DepartmentLevel(form.level.data),
        parent=db.session.get(Department, form.parent_id.data) if form.parent_id.data else None,
        is_group=form.is_group.data,
        is_active=form.is_active.data,
        requires_head_confirmation=form.requires_head_confirmation.data,
        aliases=split_aliases(form.aliases.data),
        members=members,
        by=by,
    )


def user_form_error(user: User | None, form) -> str | None:
    """A reason the form cannot be saved, in words for the admin, or None."""
    clash = db.session.scalar(sa.select(User).where(User.login == form.login.data.strip()))
    if clash is not None and clash is not user:
        return _("账号“%(login)s”已存在", login=form.login.data)
    if user is None and not form.password.data:
        return _("新建用户必须设置密码")
    return None


def _user_snapshot(user: User) -> dict:
    return snapshot(user, USER_FIELDS) | {"roles": sorted(r.value for r in user.roles),
                                          "in_charge": [d.name for d in user.departments_in_charge]}


def save_user_from_form(user: User | None, form, *, by) -> User:
    roles = [Role(r) for r in form.roles.data]
    department = db.session.get(Department, form.department_id.data) if form.department_id.data else None
    if user is None:
        user = auth_services.create_user(
            form.login.data.strip(), form.name.data.strip(), form.password.data,
            roles=roles, department=department, email=form.email.data or None,
        )
        before = {}
    else:
        before = _user_snapshot(user)
        user.login = clean_name(form.login.data)
        user.name = clean_name(form.name.data)
        user.email = form.email.data or None
        user.department = department
        auth_services.set_roles(user, roles)
        if form.password.data:
            auth_services.change_password(user, form.password.data)
    # 分管单位 mean something only for a leader: another role's are dropped rather than kept unseen.
    user.departments_in_charge = (list(db.session.scalars(sa.select(Department).where(
        Department.id.in_(form.in_charge.data or []))).all()) if Role.LEADER in roles else [])
    if not form.is_active.data and user.is_active:
        auth_services.end_other_sessions(user)
    user.is_active = form.is_active.data
    db.session.flush()
    record_diff("user.created" if not before else "user.updated", user, before, _user_snapshot(user), by=by)
    return user


def enter_year(year: int, days: list[tuple[date, bool, str]], *, official: bool, by=None) -> workdays.YearCalendar:
    """Replace the admin's days of `year`; `official` marks them as the year's whole schedule (CalendarYear)."""
    before = workdays.schedule_text(year)
    db.session.execute(sa.delete(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                                     CalendarDay.day <= date(year, 12, 31)))
    db.session.add_all(CalendarDay(day=day, is_workday=working, note=name) for day, working, name in days)
    entered = db.session.get(CalendarYear, year)
    if official and entered is None:
        entered = CalendarYear(year=year, entered_by_id=getattr(by, "id", None))
        db.session.add(entered)
    elif not official and entered is not None:
        db.session.delete(entered)
    db.session.flush()
    record("calendar.year_saved", entered or CalendarYear(year=year), by=by,
           before={"year": year, "days": before},
           after={"year": year, "days": workdays.schedule_text(year), "official": official})
    workdays.forget()
    return workdays.year_calendar(year)
