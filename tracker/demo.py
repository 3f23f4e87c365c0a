"""`flask demo`: a system a newcomer can explore at once."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from tracker.auth.models import Role, User
from tracker.auth.services import create_user
from tracker.departments.models import Department, DepartmentLevel
from tracker.departments.services import save_department
from tracker.extensions import db

DEFAULT_PASSWORD = "tracker-demo"

# (name, short name, aliases, level, login prefix or None): the units the five shared plans name most.
DEMO_DEPARTMENTS = [
    ("市科技局", "科技局", ["市科学技术局"], DepartmentLevel.CITY, "kjj"),
    ("市发展改革委", "发改委", ["市发改委", "市发展和改革委员会"], DepartmentLevel.CITY, "fgw"),
    ("市经济和信息化局", "经信局", ["市经信局"], DepartmentLevel.CITY, "jxj"),
    ("市财政局", "财政局", [], DepartmentLevel.CITY, "czj"),
    ("市教育局", "教育局", [], DepartmentLevel.CITY, None),
    ("市人力资源社会保障局", "人社局", ["市人社局", "市人力资源和社会保障局"], DepartmentLevel.CITY, None),
    ("市市场监管局", "市场监管局", ["市市场监督管理局"], DepartmentLevel.CITY, None),
    ("市税务局", "税务局", [], DepartmentLevel.CITY, None),
    ("市地方金融监管局", "金融监管局", ["市金融局"], DepartmentLevel.CITY, None),
    ("省科技厅", "科技厅", ["省科学技术厅"], DepartmentLevel.PROVINCE, "skjt"),
    ("省发展改革委", "省发改委", ["省发展和改革委员会"], DepartmentLevel.PROVINCE, None),
    ("省经济和信息化委", "省经信委", [], DepartmentLevel.PROVINCE, None),
    ("省教育厅", "教育厅", [], DepartmentLevel.PROVINCE, None),
    ("中科院南京分院", None, ["中国科学院南京分院"], DepartmentLevel.OTHER, None),
    ("南京市", None, ["南京市人民政府"], DepartmentLevel.CITY, None),
    ("无锡市", None, ["无锡市人民政府"], DepartmentLevel.CITY, None),
    ("常州市", None, ["常州市人民政府"], DepartmentLevel.CITY, None),
    ("苏州市", None, ["苏州市人民政府"], DepartmentLevel.CITY, None),
    ("镇江市", None, ["镇江市人民政府"], DepartmentLevel.CITY, None),
]
DEMO_GROUPS = [("苏南五市", ["南京市", "无锡市", "常州市", "苏州市", "镇江市"])]
OFFICE_DEPARTMENT = "联席会议办公室"

DEMO_STAFF = [
    ("admin", "系统管理员", Role.ADMIN, None),
    ("office", "办公室 王主任", Role.OFFICE, OFFICE_DEPARTMENT),
    ("reviewer", "审核人 李审核", Role.REVIEWER, OFFICE_DEPARTMENT),
    ("leader", "分管领导 赵领导", Role.LEADER, None),
]


def build_departments() -> dict[str, Department]:
    by_name = {}
    save_department(None, name=OFFICE_DEPARTMENT, short_name="联席办", level=DepartmentLevel.CITY)
    for name, short_name, aliases, level, _prefix in DEMO_DEPARTMENTS:
        by_name[name] = save_department(None, name=name, short_name=short_name, aliases=aliases, level=level)
    for name, members in DEMO_GROUPS:
        by_name[name] = save_department(
            None, name=name, is_group=True, members=[by_name[m] for m in members], level=DepartmentLevel.OTHER
        )
    return by_name


def demo_logins() -> list[tuple[str, Role, str]]:
    logins = [(login, role, department or "") for login, _name, role, department in DEMO_STAFF]
    for name, _short, _aliases, _level, prefix in DEMO_DEPARTMENTS:
        if prefix:
            logins += [(f"{prefix}.liaison", Role.LIAISON, name), (f"{prefix}.head", Role.HEAD, name)]
    return logins


def build_users(password: str) -> None:
    departments = {d.name: d for d in db.session.scalars(sa.select(Department))}
    names = {login: name for login, name, _role, _dept in DEMO_STAFF}
    for login, role, department_name in demo_logins():
        department = departments.get(department_name)
        label = names.get(login) or f"{department.short_name or department.name}{'联络员' if role == Role.LIAISON else '负责人'}"
        create_user(login, label, password, roles=[role], department=department, email=f"{login}@example.gov.cn")


@click.command("demo")
@click.option("--password", default=DEFAULT_PASSWORD, show_default=True, help="password of every demo login")
@with_appcontext
def demo_command(password):
    """Load demo departments, users, plans and history; print each login as login<TAB>role<TAB>department."""
    if db.session.scalar(sa.select(User).where(User.login == "admin")) is None:
        build_departments()
        build_users(password)
        db.session.commit()
    else:
        click.echo("demo data already loaded; logins unchanged", err=True)
    for login, role, department in demo_logins():
        click.echo(f"{login}\t{role.value}\t{department}")
