"""Forms of the plan pages: upload or paste, the review's task editor, unknown units, settings."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, HiddenField, IntegerField,
                     RadioField, SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from tracker.forms import FiniteFloatField, choices
from tracker.plans.models import ReportingCycle

# The suffixes the plan readers take (tracker.plans.parser.reading.ACCEPTED_SUFFIXES, which a test
# keeps equal): written out here because importing the parser loads its dictionaries.
PLAN_EXTENSIONS = ("csv", "docx", "htm", "html", "pdf", "shtml", "text", "txt", "xls", "xlsx")
_UNIT_SEPARATORS = re.compile(r"[\n,，、;；]+")
_DATE_SEPARATORS = re.compile(r"[\s,，、;；]+")
CYCLE_LABELS = {
    ReportingCycle.MONTHLY: _l("按月"),
    ReportingCycle.QUARTERLY: _l("按季度"),
    ReportingCycle.DATES: _l("按指定日期"),
}


def split_units(text: str) -> list[str]:
    return [part.strip() for part in _UNIT_SEPARATORS.split(text or "") if part.strip()]


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token, and the draft's version so a stale page is caught."""

    version = HiddenField()


class UploadForm(FlaskForm):
    accept = ",".join(f".{suffix}" for suffix in PLAN_EXTENSIONS)
    file = FileField(_l("方案文件(Word、PDF、网页、Excel 任务表或纯文本)"), validators=[
        FileAllowed(PLAN_EXTENSIONS, _l("只能上传 Word(.docx)、PDF、网页(.html/.htm)、Excel(.xlsx/.xls)、.csv 或纯文本(.txt)文件;"
                                        ".doc、.wps 请先另存为 .docx,或复制全文粘贴。"))])
    text = TextAreaField(_l("或粘贴方案全文"))
    allow_same_title = BooleanField(_l("仍然导入(已有同名同文号的方案时)"))

    def validate_text(self, field):
        has_file = bool(self.file.data and getattr(self.file.data, "filename", ""))
        if has_file == bool((field.data or "").strip()):
            raise ValidationError(_l("请上传一个文件,或粘贴方案全文(二选一)。"))


def _plain_number(value: float) -> int | float:
    """10.0 typed as 10 stays 10 on the page."""
    return int(value) if value.is_integer() else value


class TargetForm(Form):
    name = StringField(_l("指标"), validators=[Optional(), Length(max=200)])
    value = FiniteFloatField(_l("目标值"), validators=[Optional()])
    unit = StringField(_l("单位"), validators=[Optional(), Length(max=40)])


class DeliverableForm(Form):
    year = IntegerField(_l("年度"), validators=[Optional(), NumberRange(1949, 2100)])
    due_on = DateField(_l("截止日期(不填则为年底)"), validators=[Optional()])
    recurring = BooleanField(_l("每年"))
    text = TextAreaField(_l("年度任务"), validators=[Optional()])
    remove = BooleanField(_l("删除"))
    targets = FieldList(FormField(TargetForm))

    def as_dict(self) -> dict | None:
        if self.remove.data or not (self.text.data or "").strip():
            return None
        targets = [
            {"name": t.form.name.data.strip(), "value": _plain_number(t.form.value.data),
             "unit": (t.form.unit.data or "").strip()}
            for t in self.targets if t.form.name.data and t.form.value.data is not None
        ]
        return {"year": self.year.data, "text": self.text.data.strip(), "recurring": self.recurring.data,
                "due_on": self.due_on.data.isoformat() if self.due_on.data else None, "targets": targets}


class TaskForm(FlaskForm):
    version = HiddenField()
    number = StringField(_l("编号"), validators=[Optional(), Length(max=40)])
    title = StringField(_l("标题(任务的第一句)"), validators=[DataRequired(), Length(max=300)])
    lead = StringField(_l("牵头单位"), validators=[Optional(), Length(max=200)])
    co = TextAreaField(_l("配合单位(每行一个,或用顿号分隔)"), validators=[Optional()])
    deliverables = FieldList(FormField(DeliverableForm))

    @classmethod
    def for_task(cls, task: dict) -> TaskForm:
        deliverables = [dict(d, due_on=date.fromisoformat(d["due_on"]) if d.get("due_on") else None,
                             targets=[*d.get("targets", []), {}]) for d in task.get("deliverables", [])]
        return cls(data={"number": task.get("number"), "title": task.get("title"), "lead": task.get("lead"),
                         "co": "、".join(task.get("co", [])), "deliverables": [*deliverables, {"targets": [{}]}]})

    def deliverable_dicts(self) -> list[dict]:
        return [d for d in (entry.form.as_dict() for entry in self.deliverables) if d is not None]


class SplitForm(FlaskForm):
    version = HiddenField()
    at_sentence = RadioField(_l("从哪一句起拆为新任务"), coerce=int, validate_choice=False,
                             validators=[DataRequired()])


class DepartmentResolveForm(FlaskForm):
    version = HiddenField()
    name = HiddenField(validators=[DataRequired()])
    action = SelectField(_l("处理方式"), choices=choices([
        ("create", _l("新建单位")), ("create_group", _l("新建单位组")), ("link", _l("是已有单位的别名")),
    ]))
    department_id = SelectField(_l("已有单位"), coerce=int, validate_choice=False)


class SettingsForm(FlaskForm):
    title = StringField(_l("方案名称"), validators=[DataRequired(), Length(max=300)])
    doc_number = StringField(_l("文号"), validators=[Optional(), Length(max=100)])
    issuing_body = StringField(_l("印发单位"), validators=[Optional(), Length(max=200)])
    start_year = IntegerField(_l("起始年份"), validators=[Optional(), NumberRange(1949, 2100)])
    end_year = IntegerField(_l("结束年份"), validators=[Optional(), NumberRange(1949, 2100)])
    reporting_cycle = SelectField(_l("调度周期"), choices=choices((k.value, v) for k, v in CYCLE_LABELS.items()))
    reporting_due_day = IntegerField(_l("每期报送截止日(每月几号)"), default=25, validators=[NumberRange(1, 31)])
    reporting_dates = TextAreaField(_l("指定调度日期(按指定日期时填写,每行一个,如 2025-06-30)"),
                                    validators=[Optional()])

    def dates(self) -> list[date]:
        return [date.fromisoformat(part) for part in _DATE_SEPARATORS.split(self.reporting_dates.data or "") if part]

    def validate_reporting_dates(self, field):
        try:
            self.dates()
        except ValueError:
            raise ValidationError(_l("日期格式应为 2025-06-30,每行一个。")) from None
