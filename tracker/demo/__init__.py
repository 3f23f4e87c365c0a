"""`flask demo`: a system a newcomer can explore at once."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from tracker.auth.models import Role, User
from tracker.auth.services import create_user
from tracker.config import PROJECT_ROOT
from tracker.core.clock import local_today, parse_moment, utcnow
from tracker.demo import history, loop
from tracker.departments.models import Department, DepartmentLevel
from tracker.departments.services import save_department
from tracker.extensions import db
from tracker.plans import drafts, services
from tracker.plans.models import Plan
from tracker.tasks import read_models

DEFAULT_PASSWORD = "tracker-demo"
PLANS_FOLDER = PROJECT_ROOT / "samples" / "plans"

# (name, short name, aliases, level, login prefix or None): every unit the five shared plans name.
DEMO_DEPARTMENTS = [
    ("市科技局", "科技局", ["市科学技术局"], DepartmentLevel.CITY, "kjj"),
    ("市发展改革委", "发改委", ["市发改委", "市发展和改革委员会"], DepartmentLevel.CITY, "fgw"),
    ("市经济和信息化局", "经信局", ["市经信局"], DepartmentLevel.CITY, "jxj"),
    ("市财政局", "财政局", [], DepartmentLevel.CITY, "czj"),
    ("市教育局", "教育局", [], DepartmentLevel.CITY, "jyj"),
    ("市人力资源社会保障局", "人社局", ["市人社局", "市人力资源和社会保障局"], DepartmentLevel.CITY, "rsj"),
    ("市市场监管局", "市场监管局", ["市市场监督管理局"], DepartmentLevel.CITY, "scjgj"),
    ("市税务局", "税务局", [], DepartmentLevel.CITY, None),
    ("市地方金融监管局", "金融监管局", ["市金融局"], DepartmentLevel.CITY, "jrj"),
    ("市住房城乡建设局", "住建局", ["市住房和城乡建设局"], DepartmentLevel.CITY, None),
    ("市卫生健康委", "卫健委", ["市卫生健康委员会"], DepartmentLevel.CITY, None),
    ("市招商和对外合作中心", "招商中心", [], DepartmentLevel.CITY, "zszx"),
    ("市委组织部", None, [], DepartmentLevel.CITY, "swzzb"),
    ("蚌投集团", None, ["蚌埠投资集团有限公司"], DepartmentLevel.OTHER, None),
    ("中国人民银行蚌埠市中心支行", "人行蚌埠中支", [], DepartmentLevel.OTHER, None),
    ("蚌埠银保监分局", None, [], DepartmentLevel.OTHER, None),
    ("市高新区管委会", "市高新区", ["蚌埠高新区管委会"], DepartmentLevel.COUNTY, None),
    ("市经开区管委会", "市经开区", ["蚌埠经开区管委会"], DepartmentLevel.COUNTY, None),
    ("怀远县政府", None, ["怀远县人民政府"], DepartmentLevel.COUNTY, None),
    ("五河县政府", None, ["五河县人民政府"], DepartmentLevel.COUNTY, None),
    ("固镇县政府", None, ["固镇县人民政府"], DepartmentLevel.COUNTY, None),
    ("蚌山区政府", None, ["蚌山区人民政府"], DepartmentLevel.COUNTY, None),
    ("龙子湖区政府", None, ["龙子湖区人民政府"], DepartmentLevel.COUNTY, None),
    ("禹会区政府", None, ["禹会区人民政府"], DepartmentLevel.COUNTY, None),
    ("淮上区政府", None, ["淮上区人民政府"], DepartmentLevel.COUNTY, None),
    ("省科技厅", "科技厅", ["省科学技术厅"], DepartmentLevel.PROVINCE, "skjt"),
    ("省发展改革委", "省发改委", ["省发展和改革委员会"], DepartmentLevel.PROVINCE, None),
    ("省经济和信息化委", "省经信委", [], DepartmentLevel.PROVINCE, "sjxw"),
    ("省教育厅", "教育厅", [], DepartmentLevel.PROVINCE, "sjyt"),
    ("省财政厅", "财政厅", [], DepartmentLevel.PROVINCE, None),
    ("省人力资源社会保障厅", "人社厅", ["省人力资源和社会保障厅"], DepartmentLevel.PROVINCE, None),
    ("省知识产权局", None, [], DepartmentLevel.PROVINCE, "szscqj"),
    ("省商务厅", "商务厅", [], DepartmentLevel.PROVINCE, None),
    ("省公安厅", "公安厅", [], DepartmentLevel.PROVINCE, None),
    ("省金融办", None, ["省政府金融工作办公室"], DepartmentLevel.PROVINCE, None),
    ("省国税局", None, ["省国家税务局"], DepartmentLevel.PROVINCE, None),
    ("省地税局", None, ["省地方税务局"], DepartmentLevel.PROVINCE, None),
    ("省产业技术研究院", "产研院", [], DepartmentLevel.PROVINCE, "scyy"),
    ("省政府办公厅", None, ["省人民政府办公厅"], DepartmentLevel.PROVINCE, "szfbgt"),
    ("省委组织部", None, [], DepartmentLevel.PROVINCE, "sswzzb"),
    ("人民银行南京分行", None, ["中国人民银行南京分行"], DepartmentLevel.OTHER, None),
    ("江苏银监局", None, [], DepartmentLevel.OTHER, None),
    ("江苏证监局", None, [], DepartmentLevel.OTHER, None),
    ("江苏保监局", None, [], DepartmentLevel.OTHER, None),
    ("中科院南京分院", None, ["中国科学院南京分院"], DepartmentLevel.OTHER, None),
    ("南京市", None, ["南京市人民政府"], DepartmentLevel.CITY, None),
    ("无锡市", None, ["无锡市人民政府"], DepartmentLevel.CITY, None),
    ("常州市", None, ["常州市人民政府"], DepartmentLevel.CITY, None),
    ("苏州市", None, ["苏州市人民政府"], DepartmentLevel.CITY, None),
    ("镇江市", None, ["镇江市人民政府"], DepartmentLevel.CITY, None),
]
DEMO_GROUPS = [
    ("苏南五市", ["南京市", "无锡市", "常州市", "苏州市", "镇江市"]),
    ("各县区政府", ["怀远县政府", "五河县政府", "固镇县政府", "蚌山区政府", "龙子湖区政府", "禹会区政府", "淮上区政府"]),
]
OFFICE_DEPARTMENT = "联席会议办公室"
# Departments whose head confirms every report before it goes to review (负责人确认).
HEAD_CONFIRMS = {"市科技局"}
# Three of the plans name no unit per task; the demo office gives those tasks a lead by subject,
# as a clerk's first pass would. The first keyword found in the task's heading, then its text, wins.
DEMO_LEADS = [
    ("人才", "市人力资源社会保障局"), ("金融", "市地方金融监管局"), ("资本", "市地方金融监管局"),
    ("知识产权", "市市场监管局"), ("高校", "市教育局"), ("教育", "市教育局"), ("开放", "市发展改革委"),
    ("合作", "市发展改革委"), ("产业", "市经济和信息化局"), ("企业", "市经济和信息化局"),
]
DEFAULT_LEAD = "市科技局"

DEMO_STAFF = [
    ("admin", "系统管理员", Role.ADMIN, None),
    ("office", "办公室 王主任", Role.OFFICE, OFFICE_DEPARTMENT),
    ("reviewer", "审核人 李审核", Role.REVIEWER, OFFICE_DEPARTMENT),
    ("leader", "分管领导 赵领导", Role.LEADER, None),
]
# The demo leader is in charge of (分管) science, industry and education.
LEADER_IN_CHARGE = ["市科技局", "市经济和信息化局", "市教育局"]


def build_departments() -> dict[str, Department]:
    by_name = {}
    save_department(None, name=OFFICE_DEPARTMENT, short_name="联席办", level=DepartmentLevel.CITY)
    for name, short_name, aliases, level, _prefix in DEMO_DEPARTMENTS:
        by_name[name] = save_department(None, name=name, short_name=short_name, aliases=aliases, level=level,
                                        requires_head_confirmation=name in HEAD_CONFIRMS)
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
        user = create_user(login, label, password, roles=[role], department=department,
                           email=f"{login}@example.gov.cn")
        if role == Role.LEADER:
            user.departments_in_charge = [departments[name] for name in LEADER_IN_CHARGE]


def demo_lead(task: dict) -> str:
    for text in (task.get("title") or "", task.get("text") or ""):
        for keyword, department in DEMO_LEADS:
            if keyword in text:
                return department
    return DEFAULT_LEAD


def load_demo_plans(office_user: User, folder: Path = PLANS_FOLDER, *, published_at: datetime | None = None,
                    runs_until: int | None = None) -> list[Plan]:
    """Import, review and publish every plan in `folder` as the office would: tasks that name no
    unit get a lead by subject, units still unknown are created, then the plan is published.

    The five plans ended by 2025 at the latest; for a living demo the office keeps following them up
    (延续跟踪): `runs_until` extends a plan's last year so that reporting periods run past today,
    and `published_at` dates the publication so the history has somewhere to start.
    """
    from tracker.plans.parser import read_plan_bytes

    plans = []
    for path in sorted(Path(folder).glob("*.txt")):
        plan = services.import_plan(read_plan_bytes(path.read_bytes(), path.name), filename=path.name,
                                    by=office_user, now=published_at)
        for task in drafts.live_tasks(plan.draft):
            if not task.get("lead"):
                services.edit_task(plan, task["key"], number=task.get("number") or "", title=task["title"],
                                   lead=demo_lead(task), co=task.get("co", []),
                                   deliverables=task.get("deliverables", []), by=office_user)
        for match in services.match_departments(plan).values():
            if not match.is_matched:
                services.create_department(plan, match.name, by=office_user)
        if runs_until and plan.end_year and plan.end_year < runs_until:
            services.update_settings(plan, title=plan.title, doc_number=plan.doc_number,
                                     issuing_body=plan.issuing_body, start_year=plan.start_year, end_year=runs_until,
                                     reporting_cycle=plan.reporting_cycle, reporting_due_day=plan.reporting_due_day,
                                     reporting_dates=[], by=office_user)
        services.publish_plan(plan, by=office_user, now=published_at)
        plans.append(plan)
    return plans


def build_demo(password: str, plans_folder: Path, reference: datetime) -> history.HistoryResult:
    """Departments, users, the plans published two years before `reference` and their history up to it,
    ending with the 督查督办 loop (批示, a joint meeting's decisions, 督办单)."""
    build_departments()
    build_users(password)
    office = db.session.scalar(sa.select(User).where(User.login == "office"))
    load_demo_plans(office, plans_folder, published_at=history.publication_moment(reference),
                    runs_until=local_today(reference).year + 1)
    result = history.build_history(reference)
    result.notifications += loop.build_loop(reference)
    read_models.rebuild()  # the history is written in bulk, past the refresh each write makes
    return result


@click.command("demo")
@click.option("--password", default=DEFAULT_PASSWORD, show_default=True, help="password of every demo login")
@click.option("--plans", "plans_folder", default=str(PLANS_FOLDER), show_default=True,
              type=click.Path(exists=True, file_okay=False), help="folder of the plans to import and publish")
@click.option("--now", "now_text", default=None, metavar="ISO-DATETIME",
              help="the moment the history ends (default: now; without a zone, Beijing time)")
@with_appcontext
def demo_command(password, plans_folder, now_text):
    """Load demo departments, users, plans and history; print each login as login<TAB>role<TAB>department."""
    if db.session.scalar(sa.select(User).where(User.login == "admin")) is None:
        build_demo(password, Path(plans_folder), parse_moment(now_text) if now_text else utcnow())
        db.session.commit()
    else:
        click.echo("demo data already loaded; logins unchanged", err=True)
    for login, role, department in demo_logins():
        click.echo(f"{login}\t{role.value}\t{department}")
