"""Admin pages: departments (with aliases and groups), users and the working-day calendar."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.admin import services
from tracker.admin.forms import ROLE_LABELS, CalendarForm, DepartmentForm, UserForm
from tracker.auth.models import User
from tracker.core import workdays
from tracker.departments.models import Department
from tracker.departments.services import DepartmentNameTaken, lead_choices
from tracker.extensions import db
from tracker.forms import choices
from tracker.tasks.permissions import Action, require

bp = Blueprint("admin", __name__)


@bp.before_request
@login_required
def only_admins():
    require(current_user, Action.ADMINISTER)


def _department_choices(exclude: Department | None = None):
    departments = db.session.scalars(sa.select(Department).order_by(Department.name)).all()
    return [(d.id, d.name) for d in departments if d is not exclude]


def _with_none(pairs):
    return choices([(0, _("(无)")), *pairs])


@bp.get("/departments")
def departments():
    rows = db.session.scalars(sa.select(Department).order_by(Department.is_group, Department.name)).all()
    return render_template("admin/departments.html", departments=rows)


@bp.route("/departments/new", methods=["GET", "POST"], defaults={"department_id": None})
@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
def edit_department(department_id: int | None):
    department = db.get_or_404(Department, department_id) if department_id else None
    form = DepartmentForm(obj=department)
    options = _department_choices(exclude=department)
    form.parent_id.choices = _with_none(options)
    form.member_ids.choices = choices(options)
    if department is not None and not form.is_submitted():
        form.aliases.data = "\n".join(a.alias for a in department.aliases)
        form.member_ids.data = [m.id for m in department.members]
        form.parent_id.data = department.parent_id or 0
    if form.validate_on_submit():
        try:
            department = services.save_department_from_form(department, form, by=current_user)
        except DepartmentNameTaken as taken:
            form.name.errors = [*form.name.errors, _("名称“%(name)s”已被其他单位使用", name=str(taken))]
        else:
            db.session.commit()
            flash(_("已保存单位“%(name)s”", name=department.name), "success")
            return redirect(url_for("admin.departments"))
    return render_template("admin/department_form.html", form=form, department=department)


@bp.get("/users")
def users():
    """Every account, or those whose login, name or department holds the words searched for (查找)."""
    query = (request.args.get("q") or "").strip()[:100]
    select = sa.select(User).outerjoin(Department, Department.id == User.department_id).order_by(User.login)
    for word in query.split():
        select = select.where(sa.or_(*(column.icontains(word, autoescape=True)
                                       for column in (User.login, User.name, Department.name))))
    return render_template("admin/users.html", users=db.session.scalars(select).all(), role_labels=ROLE_LABELS,
                           query=query)


@bp.route("/users/new", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int | None):
    user = db.get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user)
    form.department_id.choices = _with_none(_department_choices())
    form.in_charge.choices = choices(lead_choices())
    if user is not None and not form.is_submitted():
        form.roles.data = [r.value for r in user.roles]
        form.department_id.data = user.department_id or 0
        form.in_charge.data = [d.id for d in user.departments_in_charge]
    if form.validate_on_submit():
        error = services.user_form_error(user, form)
        if error:
            flash(error, "error")
        else:
            user = services.save_user_from_form(user, form, by=current_user)
            db.session.commit()
            flash(_("已保存用户“%(login)s”", login=user.login), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    """节假日: a year's working-day calendar, and the admin's entry of the official schedule."""
    year = request.args.get("year", type=int) or date.today().year
    if year not in workdays.YEARS:
        abort(400, description=_("年份应在 %(first)d 到 %(last)d 之间", first=workdays.YEARS[0],
                                 last=workdays.YEARS[-1]))
    form = CalendarForm()
    if not form.is_submitted():
        form.days.data = workdays.schedule_text(year)
        form.official.data = workdays.year_calendar(year).source == "admin"
    if form.validate_on_submit():
        try:
            days = workdays.parse_schedule(form.days.data, year)
        except workdays.ScheduleError as error:
            form.days.errors = [*form.days.errors, str(error)]
        else:
            services.enter_year(year, days, official=form.official.data, by=current_user)
            db.session.commit()
            flash(_("已保存%(year)d年的节假日安排", year=year), "success")
            return redirect(url_for("admin.calendar", year=year))
    return render_template("admin/calendar.html", form=form, year=year, calendar=workdays.year_calendar(year))
