"""The benchmark's dataset: a province's departments, staff, plans, tasks and three years of reporting.

`--scale 1` is the issue's province: 300 departments (some of them groups such as 苏南五市), 2,000
users, 60 published plans, 30,000 tasks with a lead and 0–3 co-responsible departments, annual
milestones and targets, 36 monthly reporting periods per plan, about a million progress reports in a
realistic mix (approved, submitted, returned, drafts, some late, some missing), the reviews behind
them, and the reminders and e-mail deliveries the late and missing ones caused. Smaller scales shrink
every count but the number of periods. The generator is seeded, so a scale always gives the same data.

Rows are generated in Python with fixed ids and written in batches, parents first: SQLAlchemy Core
executemany on SQLite, COPY on PostgreSQL (a million rows in minutes, not hours).
"""
from __future__ import annotations

import enum
import hashlib
import json
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from tracker.core.database import reset_sequences
from tracker.extensions import db

MONTHS = 36
SEED = 9
PASSWORD = "bench-password-1"
# The test configuration's cheap hash: 2,000 users are hashed once, not 2,000 times with scrypt.
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
STEP_OFFSETS = {"remind": -3, "due": 0, "late-head": 3, "late-office": 5, "late-report": 10}
LOCAL_OFFSET = timedelta(hours=8)  # Asia/Shanghai has no daylight saving time


@dataclass(frozen=True)
class Sizes:
    departments: int
    users: int
    plans: int
    tasks: int

    @property
    def groups(self) -> int:
        return max(1, round(self.departments * 0.03))

    @property
    def real_departments(self) -> int:
        """Departments that lead or share tasks: all but the groups and the office itself."""
        return self.departments - self.groups - 1

    @classmethod
    def for_scale(cls, scale: float) -> Sizes:
        departments = max(8, round(FULL.departments * scale))
        real = departments - max(1, round(departments * 0.03)) - 1
        return cls(
            departments=departments,
            # Room for the office staff and a head and a liaison in every department.
            users=max(4 + 2 * real, round(FULL.users * scale)),
            plans=max(1, round(FULL.plans * scale)),
            tasks=max(10, round(FULL.tasks * scale)),
        )


FULL = Sizes(departments=300, users=2000, plans=60, tasks=30000)

BUREAUS = [
    "科技局", "发展改革委", "经济和信息化局", "财政局", "教育局", "人力资源社会保障局", "市场监管局", "税务局",
    "地方金融监管局", "商务局", "农业农村局", "生态环境局", "住房城乡建设局", "交通运输局", "自然资源和规划局",
    "卫生健康委", "文化广电和旅游局", "统计局", "审计局", "司法局", "公安局", "民政局", "应急管理局", "水利局",
    "数据资源管理局", "知识产权局", "国资委", "投资促进局", "外事办", "工商联",
]
REGIONS = ["省", "南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市",
           "扬州市", "镇江市", "泰州市", "宿迁市"]
GROUPS = ["苏南五市", "苏中三市", "苏北五市", "各设区市人民政府", "各县(市、区)人民政府", "各高新区管委会",
          "省各有关部门", "有关高校", "各国家级开发区", "沿海三市", "长三角协作城市"]
THEMES = ["科技创新", "制造业高质量发展", "数字经济", "营商环境优化", "乡村振兴", "生态环境保护", "人才发展",
          "现代服务业", "开放型经济", "新型基础设施建设"]
PLAN_KINDS = ["三年行动方案", "实施方案", "行动计划", "发展规划"]
SECTIONS = ["实施创新平台建设工程", "强化企业创新主体地位", "加快科技成果转化", "优化创新创业生态",
            "加强人才队伍建设", "深化体制机制改革", "扩大开放合作", "强化组织保障"]
VERBS = ["加快建设", "深入推进", "着力培育", "全面提升", "持续优化", "大力发展", "积极争取", "健全完善"]
OBJECTS = ["高水平研发平台", "高新技术企业梯队", "科技成果转化体系", "科技金融服务", "知识产权保护",
           "产学研协同创新", "创新型人才队伍", "制造业数字化转型", "关键核心技术攻关", "科技企业孵化器"]
SENTENCES = [
    "聚焦主导产业集群需求,组织企业开展协同攻关,进一步提升产业核心竞争力。",
    "支持龙头企业牵头组建创新联合体,推动产业链上下游融通创新。",
    "完善以企业为主体、市场为导向、产学研深度融合的技术创新体系。",
    "每年组织实施重点项目不少于20项,形成一批标志性成果。",
    "建立健全考核评价机制,将任务落实情况纳入年度综合考核。",
]
NARRATIVES = [
    "本月按计划推进,已完成年度目标的{p}%。",
    "组织召开专题推进会,协调解决项目落地中的用地和资金问题,完成年度目标的{p}%。",
    "已完成项目申报材料审核,正在组织专家评审,累计完成{p}%。",
    "受资金拨付进度影响,部分工作有所滞后,已制定整改措施,目前完成{p}%。",
    "召开政策宣讲会3场,走访企业25家,收集需求40条,累计完成{p}%。",
    "牵头单位会同配合单位开展联合调研,形成专题报告,累计完成{p}%。",
]
RETURN_REASONS = ["佐证材料不全,请补充相关文件。", "进展描述过于笼统,请补充量化数据。",
                  "完成比例与佐证材料不符,请核实后重新报送。"]
TARGETS = [("高新技术企业", "家", 1200), ("科技型中小企业", "家", 1500), ("研发投入强度", "%", 3.2),
           ("技术合同成交额", "亿元", 300), ("新型研发机构", "家", 50), ("有效发明专利", "件", 20000)]
DELIVERABLES = ["组织实施产业技术攻关项目{n}项", "新增高新技术企业{n}家", "建成省级以上研发平台{n}个",
                "完成科技成果转化{n}项"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
STEP_TITLES = {
    "remind": "【提醒】{label}进展报送将于{due}截止",
    "due": "【今日截止】请于今日报送{label}进展",
    "late-head": "【催办】{label}进展已逾期未报送",
    "late-office": "【督办】{label}进展逾期未报送",
    "late-report": "【列入通报】{label}进展逾期未报送",
}
STEP_TARGETS = {"remind": "liaison", "due": "liaison", "late-head": "head", "late-office": "office",
                "late-report": "supervision_report"}
STEP_CHANNELS = {"remind": ["inbox", "email"], "due": ["inbox", "email"], "late-head": ["inbox", "email"],
                 "late-office": ["inbox"], "late-report": ["supervision_report"]}


def subject_key(task_id: int, period_id: int, reopen_count: int = 0) -> str:
    """The notification's subject as the sweep names it: a task's report for a period, in a reopen cycle."""
    return f"report:{task_id}:{period_id}:{reopen_count}"


def utc_at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local (Beijing) wall-clock time on `day`, as the naive UTC the database stores."""
    return datetime(day.year, day.month, day.day, hour, minute) - LOCAL_OFFSET


def add_weekdays(day: date, count: int) -> date:
    """Weekdays only: close enough to working days for the timestamps of generated history."""
    step = 1 if count >= 0 else -1
    while count:
        day += timedelta(days=step)
        if day.weekday() < 5:
            count -= step
    return day


def months_back(today: date, count: int) -> list[tuple[int, int]]:
    """The `count` months up to and including today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [divmod(i, 12) for i in range(index - count + 1, index + 1)]


# ---------------------------------------------------------------------------------------------
# Writing rows


class Writer:
    """Rows buffered per table and written in batches, parents before children.

    Foreign keys hold as long as `flush_if_full()` is called only where every buffered row's parents
    are buffered or written too (between plans).
    """

    def __init__(self, connection: sa.Connection, batch_size: int = 20_000):
        self.connection = connection
        self.batch_size = batch_size
        self.tables = db.metadata.sorted_tables
        self.buffers: dict[str, list[dict]] = {table.name: [] for table in self.tables}
        self.counts: Counter = Counter()
        self.pending = 0

    def add(self, table: str, row: dict) -> None:
        self.buffers[table].append(row)
        self.pending += 1

    def flush_if_full(self) -> None:
        if self.pending >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        for table in self.tables:
            rows = self.buffers[table.name]
            if rows:
                write_rows(self.connection, table, rows)
                self.counts[table.name] += len(rows)
                rows.clear()
        self.pending = 0


def write_rows(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    fill = _defaults_for_missing(table, rows[0])
    if fill:
        for row in rows:
            row.update(fill)
    if connection.dialect.name == "postgresql":
        _copy_rows(connection, table, rows)
    else:
        connection.execute(table.insert(), rows)


def _defaults_for_missing(table: sa.Table, row: dict) -> dict:
    """Columns the generator does not know (added to a model since) get their Python default, or NULL."""
    fill = {}
    for column in table.columns:
        if column.name in row:
            continue
        default = column.default
        if default is not None and default.is_scalar:
            value = default.arg
        elif default is not None and default.is_callable:
            value = default.arg(None)
        elif column.nullable:
            value = None
        else:
            raise ValueError(f"the bench dataset has no value for {table.name}.{column.name}")
        fill[column.name] = value.value if isinstance(value, enum.Enum) else value
    return fill


def _copy_rows(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    columns = list(rows[0])
    json_positions = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, sa.JSON)]
    statement = f'COPY "{table.name}" ({", ".join(f"{name}" for name in columns)}) FROM STDIN'
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            values = [row[name] for name in columns]
            for i in json_positions:
                values[i] = json.dumps(values[i], ensure_ascii=False)
            copy.write_row(values)


# ---------------------------------------------------------------------------------------------
# Generating rows


@dataclass
class Unit:
    """A department as the generator needs it: ids of its staff and how reliably it reports."""

    id: int
    name: str
    liaisons: list[int] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)
    emails: dict[int, str] = field(default_factory=dict)
    requires_confirmation: bool = False
    # Multiplies the chance of a late or missing report: some departments are always behind.
    sloppiness: float = 1.0


@dataclass(frozen=True)
class Period:
    id: int
    label: str
    starts: date
    ends: date
    due: date


@dataclass
class Meta:
    """What the figures need to know about a built dataset; saved beside a cached database."""

    scale: float
    sizes: dict
    today: str
    counts: dict
    build_seconds: float
    password: str
    office_login: str
    department_login: str
    department_id: int
    item_task_id: int
    api_token: str = ""
    leader_login: str = "leader1"
    reviewer_login: str = "reviewer1"
    period_labels: list = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Meta:
        return cls(**json.loads(text))


class Generator:
    """Fills a Writer with the whole dataset; ids are assigned here, so children know their parents."""

    def __init__(self, writer: Writer, sizes: Sizes, today: date, password_hash: str, plan_texts: list[str]):
        self.w = writer
        self.sizes = sizes
        self.today = today
        self.password_hash = password_hash
        self.plan_texts = plan_texts or ["(方案原文)"]
        self.rng = random.Random(SEED)
        self.ids: Counter = Counter()
        self.units: list[Unit] = []
        self.office_ids: list[int] = []
        self.reviewer_ids: list[int] = []
        self.led: Counter = Counter()
        self.months = months_back(today, MONTHS)
        self.now = utc_at(today, 9)
        # A plan's rows wait here until its own row is written (the plan row needs its tasks for `draft`).
        self.plan_rows: list[tuple[str, dict]] = []

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def run(self) -> None:
        self.departments()
        self.users()
        self.escalation_policy()
        per_plan, extra = divmod(self.sizes.tasks, self.sizes.plans)
        for index in range(self.sizes.plans):
            self.plan(index, per_plan + (1 if index < extra else 0))
        self.w.flush()

    @property
    def busiest(self) -> Unit:
        """The department that leads the most tasks: its page is the heaviest department page."""
        return max(self.units, key=lambda unit: self.led[unit.id])

    # -- departments and staff ------------------------------------------------------------

    def departments(self) -> None:
        self.office_department_id = self.next_id("departments")
        self.w.add("departments", self._department(self.office_department_id, "联席会议办公室", "city"))
        names = [(f"{region}{self._bureau(region, bureau)}", "province" if region == "省" else "city")
                 for region in REGIONS for bureau in BUREAUS]
        for name, level in names[: self.sizes.real_departments]:
            unit = Unit(self.next_id("departments"), name, requires_confirmation=self.rng.random() < 0.1,
                        sloppiness=self.rng.choice([0.3, 0.6, 1, 1, 1, 1.5, 3]))
            self.units.append(unit)
            self.w.add("departments", self._department(unit.id, name, level, unit.requires_confirmation))
        for name in GROUPS[: self.sizes.groups]:
            group_id = self.next_id("departments")
            self.w.add("departments", self._department(group_id, name, "other", is_group=True))
            for member in self.rng.sample(self.units, min(len(self.units), self.rng.randint(3, 8))):
                self.w.add("department_group_members", {"group_id": group_id, "member_id": member.id})
        # Plans also use a department's full name (省科学技术厅 for 省科技厅): aliases the importer resolves.
        for unit in self.units:
            if "科技" in unit.name:
                self.w.add("department_aliases", {"id": self.next_id("department_aliases"), "department_id": unit.id,
                                                  "alias": unit.name.replace("科技", "科学技术")})
        # Zipf-like weights: a few departments (发展改革委, 科技厅) lead far more tasks than the rest.
        self.weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.units))]

    @staticmethod
    def _bureau(region: str, bureau: str) -> str:
        return bureau[:-1] + "厅" if region == "省" and bureau.endswith("局") else bureau

    def _department(self, id_: int, name: str, level: str, confirm: bool = False, is_group: bool = False) -> dict:
        since = self.now - timedelta(days=1200)
        return {"id": id_, "name": name, "short_name": None, "level": level, "parent_id": None,
                "is_group": is_group, "is_active": True, "requires_head_confirmation": confirm, "version": 1,
                "created_at": since, "updated_at": since}

    def users(self) -> None:
        total = self.sizes.users
        office, reviewers, leaders = max(1, round(total * 0.01)), max(1, round(total * 0.01)), max(1, round(total * 0.005))
        self._user("admin", "admin", None)
        self.office_ids = [self._user(f"office{i}", "office", self.office_department_id) for i in range(1, office + 1)]
        self.reviewer_ids = [self._user(f"reviewer{i}", "reviewer", self.office_department_id)
                             for i in range(1, reviewers + 1)]
        for i in range(1, leaders + 1):
            self._user(f"leader{i}", "leader", None)
        # Round by round over the departments: a head (负责人) first, then liaisons, every third round a deputy head.
        for turn in range(total - 1 - office - reviewers - leaders):
            unit = self.units[turn % len(self.units)]
            role = "head" if (turn // len(self.units)) % 3 == 0 else "liaison"
            staff = unit.heads if role == "head" else unit.liaisons
            login = f"d{unit.id:03d}.{role}{len(staff) + 1}"
            user_id = self._user(login, role, unit.id)
            staff.append(user_id)
            unit.emails[user_id] = self._email(login)

    @staticmethod
    def _email(login: str) -> str:
        return f"{login}@bench.example.gov.cn"

    def _user(self, login: str, role: str, department_id: int | None) -> int:
        user_id = self.next_id("users")
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN) + self.rng.choice(GIVEN)
        since = self.now - timedelta(days=1200)
        self.w.add("users", {
            "id": user_id, "login": login, "name": name, "email": self._email(login), "phone": None,
            "password_hash": self.password_hash, "department_id": department_id, "is_active": True, "locale": None,
            "session_generation": 1, "channel_preferences": {"email": True}, "version": 1,
            "created_at": since, "updated_at": since})
        self.w.add("user_roles", {"user_id": user_id, "role": role})
        return user_id

    def escalation_policy(self) -> None:
        """The default ladder (plan_id NULL): remind, due, then head, office and the leaders' report."""
        policy_id = self.next_id("escalation_policies")
        self.w.add("escalation_policies", {"id": policy_id, "plan_id": None, "name": "默认升级策略", "version": 1,
                                           "created_at": self.now, "updated_at": self.now})
        for position, (key, offset) in enumerate(STEP_OFFSETS.items()):
            self.w.add("escalation_steps", {
                "id": self.next_id("escalation_steps"), "policy_id": policy_id, "key": key, "position": position,
                "condition": "report_not_submitted", "offset_workdays": offset, "target": STEP_TARGETS[key],
                "escalation_level": max(0, position - 1), "repeat_count": 1, "repeat_interval_workdays": 1,
                "channels": STEP_CHANNELS[key]})

    # -- plans and tasks ------------------------------------------------------------------

    def plan(self, index: int, task_count: int) -> None:
        plan_id = self.next_id("plans")
        region = REGIONS[index % len(REGIONS)]
        place = "江苏省" if region == "省" else region
        start_year, end_year = self.months[0][0] + 1, self.months[-1][0] + 1
        title = f"{place}{THEMES[index % len(THEMES)]}{PLAN_KINDS[index % len(PLAN_KINDS)]}({start_year}—{end_year}年)"
        sections = [(self.next_id("sections"), position, f"{'一二三四五六七八'[position]}、{heading}")
                    for position, heading in enumerate(SECTIONS)]
        periods = self.periods(self.rng.choice([20, 25, 25, 25, 28]))
        tasks = [self.task(plan_id, position, sections[position * len(sections) // task_count], periods, end_year)
                 for position in range(task_count)]
        published_at = utc_at(periods[0].starts - timedelta(days=20), 10)
        text = self.plan_texts[index % len(self.plan_texts)]
        self.w.add("plans", {
            "id": plan_id, "title": title, "issuing_body": f"{place}人民政府办公室",
            "doc_number": f"{'苏' if region == '省' else region[:2]}政办发〔{start_year - 1}〕{index + 1}号",
            "start_year": start_year, "end_year": end_year, "status": "published",
            "source_filename": f"plan_{index:03d}.txt", "source_text": text,
            "source_sha256": hashlib.sha256(f"{index}:{text}".encode()).hexdigest(),
            "draft": {"title": title, "tasks": tasks}, "reporting_cycle": "monthly",
            "reporting_due_day": periods[0].due.day, "reporting_dates": [], "created_by_id": self.office_ids[0],
            "published_at": published_at, "published_by_id": self.office_ids[0], "version": 2,
            "created_at": published_at - timedelta(days=7), "updated_at": published_at})
        for section_id, position, heading in sections:
            self.w.add("sections", {"id": section_id, "plan_id": plan_id, "parent_id": None, "number": heading[0],
                                    "title": heading[2:], "level": 1, "position": position})
        for period in periods:
            self.w.add("reporting_periods", {"id": period.id, "plan_id": plan_id, "label": period.label,
                                             "starts_on": period.starts, "ends_on": period.ends, "due_on": period.due})
        for table, row in self.plan_rows:
            self.w.add(table, row)
        self.plan_rows = []
        self.w.flush_if_full()

    def periods(self, due_day: int) -> list[Period]:
        periods = []
        for year, month0 in self.months:
            month = month0 + 1
            ends = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            periods.append(Period(self.next_id("reporting_periods"), f"{year}-{month:02d}", date(year, month, 1), ends,
                                  date(year, month, due_day)))
        return periods

    def _later(self, table: str, row: dict) -> None:
        self.plan_rows.append((table, row))

    def task(self, plan_id: int, position: int, section, periods: list[Period], end_year: int) -> dict:
        rng = self.rng
        task_id = self.next_id("tasks")
        lead = None if rng.random() < 0.01 else rng.choices(self.units, self.weights)[0]
        co = []
        for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 2, 3])):
            candidate = rng.choices(self.units, self.weights)[0]
            if candidate is not lead and candidate not in co:
                co.append(candidate)
        title = f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}"
        units = "、".join(unit.name for unit in [lead, *co] if unit)
        closed_index = rng.randint(MONTHS - 12, MONTHS - 2) if lead and rng.random() < 0.04 else None
        if lead:
            self.led[lead.id] += 1
            light, reason, status, percent = self.reports(task_id, lead, periods, closed_index)
            self.milestones(task_id, lead)
        else:
            light, reason, status, percent = "red", "未明确牵头单位", None, None
        closed_at = None
        if closed_index is not None:
            closed_at = utc_at(periods[closed_index].due + timedelta(days=5), 15)
            light, reason = "green", None
        self._later("tasks", {
            "id": task_id, "plan_id": plan_id, "section_id": section[0], "number": f"({position + 1})",
            "path": [section[2]], "title": title,
            "text": f"{title}。{rng.choice(SENTENCES)}{rng.choice(SENTENCES)}(责任单位:{units})",
            "text_original": None, "position": position, "lead_department_id": lead.id if lead else None,
            "status": "closed" if closed_at else "active", "progress_status": status, "percent_complete": percent,
            "light": light, "light_reason": reason, "due_on": date(end_year, 12, 31), "reopen_count": 0,
            "closed_at": closed_at, "closed_by_id": self.reviewer_ids[0] if closed_at else None, "version": 3,
            "created_at": self.now - timedelta(days=1100), "updated_at": self.now - timedelta(days=20)})
        published = periods[0].starts - timedelta(days=15)
        for role, unit in [("lead", lead), *(("co", unit) for unit in co)]:
            if unit is None:
                continue
            signed = bool(unit.liaisons) and rng.random() > 0.03
            self._later("task_assignments", {
                "task_id": task_id, "department_id": unit.id, "role": role,
                "signed_at": utc_at(published + timedelta(days=rng.randint(1, 10)), 10) if signed else None,
                "signed_by_id": unit.liaisons[0] if signed else None})
        return {"number": f"({position + 1})", "title": title, "lead": lead.name if lead else None,
                "co": [unit.name for unit in co]}

    def milestones(self, task_id: int, lead: Unit) -> None:
        """年度任务 for each of the three years, and (for half the tasks) a quantitative target."""
        rng = self.rng
        milestone_id = None
        for year in range(self.today.year - 2, self.today.year + 1):
            milestone_id = self.next_id("milestones")
            past = year < self.today.year
            status = rng.choices(["approved", "returned", "submitted", "pending"],
                                 [85, 4, 6, 5] if past else [7, 0, 18, 75])[0]
            submitted = None
            if status != "pending":
                day = date(year, 12, rng.randint(1, 28)) if past else self.today - timedelta(days=rng.randint(1, 60))
                submitted = min(utc_at(day, 11), self.now)
            self._later("milestones", {
                "id": milestone_id, "task_id": task_id, "year": year, "due_on": date(year, 12, 31),
                "text": f"{year}年" + rng.choice(DELIVERABLES).format(n=rng.randint(5, 200)),
                "is_recurring": True, "status": status, "narrative": "已按要求完成。" if submitted else "",
                "submitted_at": submitted, "submitted_by_id": lead.liaisons[0] if submitted and lead.liaisons else None,
                "return_count": 1 if status == "returned" else 0, "version": 1 if status == "pending" else 2})
            if status in ("approved", "returned"):
                self._review(task_id, "milestone", None, milestone_id, status,
                             submitted + timedelta(days=rng.randint(1, 10)))
        if rng.random() < 0.5:
            name, unit, value = rng.choice(TARGETS)
            value = round(value * rng.uniform(0.5, 1.5), 1)
            self._later("targets", {
                "id": self.next_id("targets"), "task_id": task_id, "milestone_id": milestone_id, "name": name,
                "value": value, "unit": unit, "year": self.today.year, "baseline": round(value * 0.6, 1),
                "reached_value": round(value * rng.uniform(0.6, 1.0), 1), "reached_at": self.now - timedelta(days=30)})

    def _review(self, task_id, subject, report_id, milestone_id, decision, decided_at) -> None:
        self._later("reviews", {
            "id": self.next_id("reviews"), "task_id": task_id, "subject": subject, "report_id": report_id,
            "milestone_id": milestone_id, "decision": decision,
            "reason": self.rng.choice(RETURN_REASONS) if decision == "returned" else "",
            "reviewer_id": self.rng.choice(self.reviewer_ids), "decided_at": min(decided_at, self.now)})

    # -- reports --------------------------------------------------------------------------

    def reports(self, task_id: int, lead: Unit, periods: list[Period], closed_index: int | None):
        """Every period's report of a task; returns the task's light, its reason, status and percent."""
        rng = self.rng
        pace = rng.uniform(0.8, 1.15)
        latest_due = (None, False, None)  # (state, late, status) of the last period already due
        status = percent = None
        for index, period in enumerate(periods):
            if closed_index is not None and index > closed_index:
                break
            state, late = self._report_state(period.due, lead.sloppiness)
            if state is None or (state == "draft" and period.due < self.today):
                self._notices(task_id, period, lead, list(STEP_OFFSETS))
            if state is None:
                latest_due = (None, False, None) if period.due < self.today else latest_due
                continue
            reported = 100 if index == closed_index else min(100, round(100 * (index + 1) / MONTHS * pace))
            reported_status = ("completed" if reported >= 100 else
                               "lagging" if rng.random() < 0.06 * lead.sloppiness else
                               "not_started" if index < 2 and rng.random() < 0.3 else "in_progress")
            if period.due < self.today:
                latest_due = (state, late, reported_status)
            if state not in ("draft", "awaiting_confirmation"):
                status, percent = reported_status, reported
            self.report(task_id, period, lead, state, late, reported_status, reported, index == closed_index)
        state, late, latest_status = latest_due
        if state in (None, "draft", "returned"):
            light, reason = "red", "被退回未重报" if state == "returned" else "逾期未报送"
        elif late or latest_status == "lagging":
            light, reason = "yellow", "逾期报送" if late else "进展滞后"
        else:
            light, reason = "green", None
        return light, reason, status, percent

    def _report_state(self, due: date, sloppiness: float) -> tuple[str | None, bool]:
        """(state, or None for no report at all; late?) of a report due on `due`, as of today."""
        rng = self.rng
        if due >= self.today:  # still open: most not written yet
            return rng.choices([None, "draft", "awaiting_confirmation", "submitted"], [68, 15, 2, 15])[0], False
        recent = due >= self.today - timedelta(days=30)
        if rng.random() < min(0.6, (0.15 if recent else 0.08) * sloppiness):
            return None, False
        # Recent periods: the reviewers are still at it; older ones are nearly all approved.
        weights = [50, 38, 6, 6] if recent else [94, 2, 2, 2]
        state = rng.choices(["approved", "submitted", "returned", "draft"], weights)[0]
        return state, state != "draft" and rng.random() < min(0.9, 0.12 * sloppiness)

    def report(self, task_id: int, period: Period, lead: Unit, state: str, late: bool, status: str, percent: int,
               claims: bool) -> None:
        rng = self.rng
        report_id = self.next_id("progress_reports")
        if period.due >= self.today:
            day = self.today - timedelta(days=rng.randint(0, 5))
        elif late:
            day = period.due + timedelta(days=rng.randint(1, 12))
        else:
            day = period.due - timedelta(days=rng.randint(0, 8))
        submitted = min(utc_at(day, rng.randint(9, 17)), self.now)
        written = state not in ("draft", "awaiting_confirmation")
        confirmed = written and lead.requires_confirmation and bool(lead.heads)
        returns = 1 if state == "returned" or (state == "approved" and rng.random() < 0.05) else 0
        coordination = "项目用地指标需市自然资源和规划局协调解决。" if rng.random() < 0.02 else ""
        self._later("progress_reports", {
            "id": report_id, "task_id": task_id, "period_id": period.id, "department_id": lead.id, "state": state,
            "progress_status": status, "percent_complete": percent,
            "narrative": rng.choice(NARRATIVES).format(p=percent), "needs_coordination": bool(coordination),
            "coordination_text": coordination, "claims_completion": claims,
            "submitted_at": submitted if written else None,
            "submitted_by_id": lead.liaisons[0] if written and lead.liaisons else None, "is_late": late,
            "confirmed_at": submitted + timedelta(hours=2) if confirmed else None,
            "confirmed_by_id": lead.heads[0] if confirmed else None, "return_count": returns,
            "version": 2 + 2 * returns if written else 1, "created_at": submitted - timedelta(days=1),
            "updated_at": submitted})
        if coordination:
            self._later("coordination_issues", {
                "id": self.next_id("coordination_issues"), "task_id": task_id, "report_id": report_id,
                "department_id": lead.id, "text": coordination, "raised_at": submitted,
                "resolved_at": submitted + timedelta(days=20) if submitted < self.now - timedelta(days=40) else None,
                "resolved_by_id": None, "resolution": ""})
        if returns:
            self._review(task_id, "report", report_id, None, "returned", submitted + timedelta(days=1))
        if state == "approved":
            self._review(task_id, "report", report_id, None, "approved", submitted + timedelta(days=rng.randint(2, 5)))
        if late:
            head_too = submitted >= utc_at(add_weekdays(period.due, STEP_OFFSETS["late-head"]), 9)
            self._notices(task_id, period, lead, ["remind", "due", *(["late-head"] if head_too else [])])

    def _notices(self, task_id: int, period: Period, lead: Unit, steps: list[str]) -> None:
        """The ladder's notices that had come due by now, as the scheduler would have created them."""
        for key in steps:
            created = utc_at(add_weekdays(period.due, STEP_OFFSETS[key]), 9, 5)
            if created > self.now:
                return
            target = STEP_TARGETS[key]
            recipient = {"liaison": lead.liaisons[:1], "head": lead.heads[:1], "office": self.office_ids[:1],
                         "supervision_report": [None]}[target]
            for user_id in recipient:
                notice_id = self.next_id("notifications")
                self._later("notifications", {
                    "id": notice_id, "subject_key": subject_key(task_id, period.id), "step_key": key,
                    "recipient_key": f"user:{user_id}" if user_id else "supervision_report", "occurrence": 0,
                    "recipient_id": user_id, "task_id": task_id, "period_id": period.id, "milestone_id": None,
                    "department_id": lead.id, "escalation_level": max(0, list(STEP_OFFSETS).index(key) - 1),
                    "target": target, "title": STEP_TITLES[key].format(label=period.label, due=period.due.isoformat()),
                    "body": f"{lead.name}:{period.label}进展报送截止日期为{period.due.isoformat()}。",
                    "link": f"/tasks/{task_id}", "due_on": period.due, "workdays_late": max(0, STEP_OFFSETS[key]),
                    "created_at": created, "read_at": created + timedelta(hours=3) if self.rng.random() < 0.7 else None})
                if "email" in STEP_CHANNELS[key] and user_id in lead.emails:
                    self._later("deliveries", {
                        "id": self.next_id("deliveries"), "notification_id": notice_id, "channel": "email",
                        "address": lead.emails[user_id], "webhook_id": None, "status": "sent", "attempts": 1,
                        "last_error": None, "next_attempt_at": created, "delivered_at": created + timedelta(seconds=30),
                        "created_at": created})


def read_plan_texts(directory: Path) -> list[str]:
    """The real plans' texts become the generated plans' source text (so the database is realistically sized)."""
    if not directory.is_dir():
        return []
    return [path.read_text(encoding="utf-8", errors="replace") for path in sorted(directory.glob("*.txt"))]


def build(app, scale: float, today: date, plans_dir: Path, log=print) -> Meta:
    """Create the schema in the app's (empty) database and fill it; returns the dataset's Meta."""
    from tracker.auth.models import User
    from tracker.auth.services import hash_password, issue_token
    from tracker.tasks import read_models

    sizes = Sizes.for_scale(scale)
    started = time.perf_counter()
    with app.app_context():
        app.config["PASSWORD_HASH_METHOD"] = PASSWORD_HASH_METHOD
        db.drop_all()
        db.create_all()
        engine = db.engine
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                # Build speed only: a crash mid-build leaves a file nobody uses.
                connection.exec_driver_sql("PRAGMA journal_mode=OFF")
                connection.exec_driver_sql("PRAGMA synchronous=OFF")
            writer = Writer(connection)
            generator = Generator(writer, sizes, today, hash_password(PASSWORD), read_plan_texts(plans_dir))
            generator.run()
            if engine.dialect.name == "postgresql":
                reset_sequences(connection, db.metadata.sorted_tables)
            connection.commit()
        log(f"  {sum(writer.counts.values()):,} rows written in {time.perf_counter() - started:.0f} s")
        writer.counts["owed_reports"] = read_models.rebuild()  # written past the refresh each write makes
        db.session.commit()
        office = db.session.scalar(sa.select(User).where(User.login == "office1"))
        token = issue_token(office, "bench")
        db.session.commit()
        busiest = generator.busiest
        item_task_id = _richest_task(busiest.id)
        db.session.remove()
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                # What autovacuum does soon after a bulk load: the planner needs the tables' statistics.
                connection.exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()
    return Meta(scale=scale, sizes=asdict(sizes), today=today.isoformat(), counts=dict(writer.counts),
                build_seconds=round(time.perf_counter() - started, 1), password=PASSWORD, office_login="office1",
                department_login=f"d{busiest.id:03d}.liaison1", department_id=busiest.id, item_task_id=item_task_id,
                api_token=token, period_labels=[f"{year}-{month0 + 1:02d}" for year, month0 in generator.months])


def _richest_task(department_id: int) -> int:
    """An item page worth measuring: the department leads it, with co-departments, milestones and a target."""
    from tracker.tasks.models import Target, Task, TaskAssignment

    co_count = (sa.select(sa.func.count()).where(TaskAssignment.task_id == Task.id)
                .correlate(Task).scalar_subquery())
    return db.session.scalar(
        sa.select(Task.id)
        .where(Task.lead_department_id == department_id, Task.status == "active",
               sa.exists().where(Target.task_id == Task.id))
        .order_by(co_count.desc(), Task.id).limit(1)
    ) or db.session.scalar(sa.select(Task.id).where(Task.lead_department_id == department_id).limit(1))
