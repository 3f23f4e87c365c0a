"""The words pages use for states, lights, roles and audited changes."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.plans.models import ItemSource
from tracker.tasks.models import (
    AssignmentRole,
    ContributionState,
    Light,
    MilestoneStatus,
    ProgressStatus,
    ReportState,
    ReviewDecision,
    ReviewSubject,
    TaskStatus,
)

SOURCE = {ItemSource.PLAN: _l("规划方案"), ItemSource.INSTRUCTION: _l("领导批示"), ItemSource.MEETING: _l("会议议定")}
PROGRESS = {
    ProgressStatus.NOT_STARTED: _l("未启动"),
    ProgressStatus.IN_PROGRESS: _l("推进中"),
    ProgressStatus.COMPLETED: _l("已完成"),
    ProgressStatus.LAGGING: _l("滞后"),
}
REPORT_STATE = {
    ReportState.DRAFT: _l("草稿"),
    ReportState.AWAITING_CONFIRMATION: _l("待负责人确认"),
    ReportState.SUBMITTED: _l("待审核"),
    ReportState.RETURNED: _l("已退回"),
    ReportState.APPROVED: _l("已通过"),
}
MILESTONE_STATUS = {
    MilestoneStatus.PENDING: _l("未提交"),
    MilestoneStatus.SUBMITTED: _l("待审核"),
    MilestoneStatus.RETURNED: _l("已退回"),
    MilestoneStatus.APPROVED: _l("已通过"),
}
CONTRIBUTION_STATE = {ContributionState.DRAFT: _l("草稿"), ContributionState.SUBMITTED: _l("已提交")}
TASK_STATUS = {TaskStatus.ACTIVE: _l("推进中事项"), TaskStatus.CLOSED: _l("已销号")}
LIGHT = {Light.GREEN: _l("绿灯"), Light.YELLOW: _l("黄灯"), Light.RED: _l("红灯")}
ROLE = {AssignmentRole.LEAD: _l("牵头"), AssignmentRole.CO: _l("配合")}
DECISION = {ReviewDecision.APPROVED: _l("通过"), ReviewDecision.RETURNED: _l("退回")}
SUBJECT = {ReviewSubject.REPORT: _l("进展报送"), ReviewSubject.MILESTONE: _l("年度任务"),
           ReviewSubject.COMPLETION: _l("销号申请")}

ACTIONS = {
    "task.published": _l("随方案发布"),
    "task.lead_assigned": _l("指定牵头单位"),
    "task.lead_changed": _l("更换牵头单位"),
    "task.deadline_extended": _l("延期"),
    "task.urged": _l("催办"),
    "task.signed": _l("签收"),
    "report.created": _l("新建报送"),
    "report.saved": _l("保存报送"),
    "report.submitted": _l("提交报送"),
    "report.confirmed": _l("负责人确认"),
    "report.sent_back": _l("负责人退回修改"),
    "report.withdrawn": _l("撤回报送"),
    "report.approved": _l("审核通过"),
    "report.returned": _l("审核退回"),
    "contribution.saved": _l("保存配合材料"),
    "contribution.submitted": _l("提交配合材料"),
    "evidence.attached": _l("上传佐证材料"),
    "evidence.removed": _l("删除佐证材料"),
    "milestone.submitted": _l("提交年度任务"),
    "milestone.approved": _l("年度任务审核通过"),
    "milestone.returned": _l("年度任务审核退回"),
    "task.closed": _l("销号"),
    "task.reopened": _l("重新打开"),
    "task.light_changed": _l("亮灯变化"),
    "coordination.raised": _l("提出需协调事项"),
    "coordination.resolved": _l("协调办结"),
    "instruction.registered": _l("登记批示并交办"),
    "notice.issued": _l("发出督办单/催办"),
    "notice.replied": _l("督办反馈"),
    "notice.escalated": _l("督办逾期未反馈,已升级"),
}
FIELDS = {
    "number": _l("序号"),
    "title": _l("事项"),
    "lead": _l("牵头单位"),
    "co": _l("配合单位"),
    "state": _l("状态"),
    "status": _l("状态"),
    "progress_status": _l("进展状态"),
    "percent_complete": _l("完成百分比"),
    "narrative": _l("进展情况"),
    "needs_coordination": _l("需协调"),
    "coordination_text": _l("需协调事项"),
    "claims_completion": _l("申请销号"),
    "is_late": _l("逾期报送"),
    "return_count": _l("退回次数"),
    "reopen_count": _l("重新打开次数"),
    "version": _l("版本"),
    "target_values": _l("指标完成值"),
    "reason": _l("理由"),
    "light": _l("灯"),
    "light_reason": _l("亮灯原因"),
    "original_name": _l("文件"),
    "size_bytes": _l("大小(字节)"),
    "text": _l("内容"),
    "resolution": _l("协调结果"),
    "department_id": _l("单位"),
    "role": _l("角色"),
    "due_on": _l("期限"),
    "message": _l("催办要求"),
    "recipients": _l("接收人数"),
    # 批示件 and 督办单 (tracker.supervision)
    "document_title": _l("批示件"),
    "leader": _l("批示领导"),
    "written_on": _l("批示日期"),
    "reply_requirements": _l("反馈要求"),
    "notice": _l("督办单"),
    "department": _l("被督办单位"),
    "lateness": _l("滞后情况"),
    "requirement": _l("督办要求"),
    "reply_due_on": _l("反馈时限"),
    "reply_text": _l("反馈内容"),
    "late": _l("逾期反馈"),
    "evidence": _l("佐证材料"),
}
# Audited fields whose values are codes, shown through these tables (a StrEnum key matches its raw value).
_VALUE_TABLES = {"progress_status": PROGRESS, "light": LIGHT, "role": ROLE}
_STATE_TABLES = {"ProgressReport": REPORT_STATE, "Milestone": MILESTONE_STATUS, "Contribution": CONTRIBUTION_STATE,
                 "Task": TASK_STATUS}
# Internal details the history need not show.
HIDDEN_FIELDS = {"version", "sha256", "report_id", "contribution_id", "milestone_id", "closed_by_id", "closed_at",
                 "department_id"}


def target_name(target) -> str:
    """A target's name with its year: an item with one target a year has several of the same name."""
    return _("%(name)s(%(year)s年)", name=target.name, year=target.year) if target.year else target.name


def texts(table: dict) -> dict:
    """A table's labels translated once, for a page that shows them on many rows."""
    return {code: str(label) for code, label in table.items()}


def value_label(field: str, value, object_type: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("是") if value else _l("否"))
    table = _STATE_TABLES.get(object_type, {}) if field in ("state", "status") else _VALUE_TABLES.get(field, {})
    if isinstance(value, dict):
        return "、".join(f"{k}: {v:g}" if isinstance(v, float) else f"{k}: {v}" for k, v in value.items()) or "—"
    if isinstance(value, (list, tuple)):
        return "、".join(str(table.get(v, v)) for v in value) or "—"
    return str(table.get(value, value))


def changes(entry) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each visible field of an audit entry."""
    before, after = entry.before or {}, entry.after or {}
    return [
        (str(FIELDS.get(field, field)), value_label(field, before.get(field), entry.object_type),
         value_label(field, after.get(field), entry.object_type))
        for field in dict.fromkeys([*before, *after])
        if field not in HIDDEN_FIELDS
    ]
