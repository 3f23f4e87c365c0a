"""The escalation policy form (升级策略): one row per step, plus a blank row to add one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from tracker.forms import choices
from tracker.reminders.models import StepCondition, StepTarget

CONDITION_LABELS = {
    StepCondition.REPORT_NOT_SUBMITTED: _l("本期未报送(自报送截止日起算)"),
    StepCondition.REPORT_RETURNED: _l("报送被退回未重报(自退回之日起算)"),
    StepCondition.MILESTONE_NOT_APPROVED: _l("年度任务逾期未完成(自任务期限起算)"),
}
TARGET_LABELS = {
    StepTarget.LIAISON: _l("联络员"),
    StepTarget.HEAD: _l("部门负责人"),
    StepTarget.OFFICE: _l("联席会议办公室(督办)"),
    StepTarget.LEADER: _l("领导"),
    StepTarget.SUPERVISION_REPORT: _l("列入下一期督查通报"),
}
LEVELS = {0: _l("0 提醒"), 1: _l("1 催办"), 2: _l("2 督办"), 3: _l("3 通报")}


class StepForm(Form):
    """One rung; a row without a key and without a condition is the unused blank row."""

    key = HiddenField()
    position = IntegerField(_l("顺序"), validators=[Optional()])
    condition = SelectField(_l("条件"), choices=choices([("", _l("(不添加)")),
                                                        *((k.value, v) for k, v in CONDITION_LABELS.items())]))
    offset_workdays = IntegerField(_l("工作日"), default=0, validators=[InputRequired(), NumberRange(-30, 60)])
    target = SelectField(_l("通知对象"), choices=choices((k.value, v) for k, v in TARGET_LABELS.items()))
    escalation_level = SelectField(_l("级别"), coerce=int, choices=choices(LEVELS.items()))
    repeat_count = IntegerField(_l("次数"), default=1, validators=[InputRequired(), NumberRange(1, 10)])
    repeat_interval_workdays = IntegerField(_l("间隔"), default=1, validators=[InputRequired(), NumberRange(1, 30)])
    remove = BooleanField(_l("删除"))

    def is_blank(self) -> bool:
        return not self.key.data and not self.condition.data

    def as_row(self) -> dict:
        return {"key": self.key.data or None, "position": self.position.data if self.position.data is not None else 99,
                "condition": StepCondition(self.condition.data), "offset_workdays": self.offset_workdays.data,
                "target": StepTarget(self.target.data), "escalation_level": self.escalation_level.data,
                "repeat_count": self.repeat_count.data,
                "repeat_interval_workdays": self.repeat_interval_workdays.data}


class PolicyForm(FlaskForm):
    version = HiddenField()
    steps = FieldList(FormField(StepForm))

    def rows(self) -> list[dict]:
        return [entry.form.as_row() for entry in self.steps
                if not entry.form.is_blank() and not entry.form.remove.data]

    def validate_steps(self, field):
        for entry in field:
            if entry.form.key.data and not entry.form.condition.data and not entry.form.remove.data:
                entry.form.condition.errors = [_l("请选择条件")]
                raise ValueError(_l("请为每一步选择条件"))


def fill(form: PolicyForm, steps) -> None:
    """Put the policy's steps (and one blank row) into a fresh form."""
    while len(form.steps):
        form.steps.pop_entry()
    for step in steps:
        form.steps.append_entry({
            "key": step.key, "position": step.position, "condition": step.condition.value,
            "offset_workdays": step.offset_workdays, "target": step.target.value,
            "escalation_level": step.escalation_level, "repeat_count": step.repeat_count,
            "repeat_interval_workdays": step.repeat_interval_workdays})
    form.steps.append_entry({"position": len(steps), "offset_workdays": 0, "repeat_count": 1,
                             "repeat_interval_workdays": 1, "target": StepTarget.LIAISON.value})
