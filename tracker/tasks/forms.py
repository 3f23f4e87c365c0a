"""Forms of the item pages, and the pure parsing of the overview's filters."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    MultipleFileField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from tracker.core.database import bounded_int
from tracker.forms import FiniteFloatField, choices
from tracker.plans.models import ItemSource
from tracker.tasks import labels
from tracker.tasks.models import Light, ProgressStatus, ReportState
from tracker.tasks.queries import REPORT_MISSING, STATUS_CLOSED, STATUS_UNREPORTED, OverviewFilters
from tracker.tasks.reporting import ReportInput

TEXT_LIMIT = 20000


def _version_field():
    """The version the writer saw; the service compares it with the record's (乐观锁)."""
    return IntegerField(widget=HiddenInput(), default=0, validators=[InputRequired(), NumberRange(min=0)])


def show_version(form, version: int) -> None:
    """Put `version` in the hidden field, replacing what the browser posted (which a field re-renders)."""
    form.version.data = version
    form.version.raw_data = [str(version)]


class TargetValueForm(Form):
    target_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    value = FiniteFloatField(_l("完成值"), validators=[Optional(), NumberRange(min=0, message=_l("完成值不能为负数"))])


class ReportForm(FlaskForm):
    version = _version_field()
    progress_status = SelectField(_l("进展状态"), choices=choices([("", _l("请选择")), *labels.PROGRESS.items()]))
    percent_complete = IntegerField(_l("完成百分比(%)"), validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("完成百分比应在 0 到 100 之间"))])
    narrative = TextAreaField(_l("进展情况"), validators=[Length(max=TEXT_LIMIT)])
    targets = FieldList(FormField(TargetValueForm))
    needs_coordination = BooleanField(_l("有需协调解决的问题(需协调事项)"))
    coordination_text = TextAreaField(_l("需协调解决的问题"), validators=[Length(max=TEXT_LIMIT)])
    claims_completion = BooleanField(_l("任务已全部完成,申请销号(须附佐证材料)"))
    files = MultipleFileField(_l("佐证材料"))
    save_draft = SubmitField(_l("保存草稿"))
    send = SubmitField(_l("提交报送"))


def report_input(form: ReportForm) -> ReportInput:
    status = form.progress_status.data
    return ReportInput(
        progress_status=ProgressStatus(status) if status else None,
        percent_complete=form.percent_complete.data,
        narrative=form.narrative.data or "",
        target_values={entry.target_id.data: entry.value.data for entry in form.targets
                       if entry.value.data is not None},
        needs_coordination=form.needs_coordination.data,
        coordination_text=form.coordination_text.data or "",
        claims_completion=form.claims_completion.data,
    )


def fill_report_form(form: ReportForm, report, targets) -> None:
    """Show the saved report (or a blank one) in the form, one value field per target of the task."""
    values = {tv.target_id: tv.value for tv in report.target_values} if report else {}
    if report is not None:
        form.version.data = report.version
        form.progress_status.data = report.progress_status.value if report.progress_status else ""
        form.percent_complete.data = report.percent_complete
        form.narrative.data = report.narrative
        form.needs_coordination.data = report.needs_coordination
        form.coordination_text.data = report.coordination_text
        form.claims_completion.data = report.claims_completion
    while form.targets.entries:
        form.targets.pop_entry()
    for target in targets:
        form.targets.append_entry({"target_id": target.id, "value": values.get(target.id)})


class ContributionForm(FlaskForm):
    version = _version_field()
    narrative = TextAreaField(_l("配合工作情况"), validators=[Length(max=TEXT_LIMIT)])
    files = MultipleFileField(_l("佐证材料"))
    save_draft = SubmitField(_l("保存草稿"))
    send = SubmitField(_l("提交给牵头单位"))


class DecisionForm(FlaskForm):
    """A reviewer's (or a head's) decision: approve, or return with a reason."""

    version = _version_field()
    reason = TextAreaField(_l("意见(退回时必填)"), validators=[Length(max=TEXT_LIMIT)])
    approve = SubmitField(_l("通过"))
    send_back = SubmitField(_l("退回"))


class MilestoneForm(FlaskForm):
    version = _version_field()
    narrative = TextAreaField(_l("年度任务完成情况"), validators=[Length(max=TEXT_LIMIT)])
    files = MultipleFileField(_l("佐证材料"))
    send = SubmitField(_l("提交审核"))


class ReasonForm(FlaskForm):
    version = _version_field()
    reason = TextAreaField(_l("理由"), validators=[Length(max=TEXT_LIMIT)])


class ResolveForm(FlaskForm):
    resolution = TextAreaField(_l("协调结果"), validators=[Length(max=TEXT_LIMIT)])


class LeadForm(FlaskForm):
    """指定 or 更换牵头单位, at the item's version the office saw."""

    version = _version_field()
    department_id = SelectField(_l("牵头单位"), coerce=int, validators=[DataRequired(_l("请选择牵头单位。"))])


class DeadlineForm(FlaskForm):
    """延期: the new deadline and why."""

    version = _version_field()
    due_on = DateField(_l("新的期限"), validators=[InputRequired(_l("请选择新的期限"))])
    reason = TextAreaField(_l("延期理由"), validators=[InputRequired(_l("请填写延期的理由")), Length(max=500)])


class UrgeForm(FlaskForm):
    """催办: what the office adds to the reminder, if anything."""

    message = TextAreaField(_l("催办要求(可不填)"), validators=[Length(max=500)])


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (签收, 删除文件)."""


class WithdrawForm(FlaskForm):
    version = _version_field()


class SignAllForm(FlaskForm):
    """全部签收, with the number of items the user was asked about."""

    count = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0)])


def parse_choice(value: str) -> tuple[int, int] | None:
    """A ticked report in the review queue, "<id>:<version>"; None for anything else."""
    report_id, _sep, version = (value or "").partition(":")
    report_id, version = bounded_int(report_id), bounded_int(version)
    return (report_id, version) if report_id and version is not None else None


def uploaded_files(field) -> list:
    """The files actually chosen: a browser sends an empty part when none was."""
    return [f for f in field.data or [] if f and f.filename]


# ---- the overview's filters ------------------------------------------------------------------------------


FILTER_KEYS = ("plan", "department", "status", "light", "period", "report", "source")


def parse_overview_filters(args) -> OverviewFilters:
    """The filters in a query string; anything unknown is ignored rather than refused."""
    statuses = {STATUS_CLOSED, STATUS_UNREPORTED, *(s.value for s in ProgressStatus)}
    reports = {REPORT_MISSING, *(s.value for s in ReportState)}
    status, light, report = args.get("status"), args.get("light"), args.get("report")
    period = (args.get("period") or "").strip()[:20] or None
    return OverviewFilters(
        plan_id=bounded_int(args.get("plan")),
        department_id=bounded_int(args.get("department")),
        status=status if status in statuses else None,
        light=Light(light) if light in {li.value for li in Light} else None,
        period=period,
        report=report if period and report in reports else None,
        page=bounded_int(args.get("page")) or 1,
        source=ItemSource(args["source"]) if args.get("source") in {s.value for s in ItemSource} else None,
    )


STATUS_FILTERS = [(STATUS_UNREPORTED, _l("尚未报送进展")), *labels.PROGRESS.items(), (STATUS_CLOSED, _l("已销号"))]
REPORT_FILTERS = [(REPORT_MISSING, _l("未报送")), *labels.REPORT_STATE.items()]
