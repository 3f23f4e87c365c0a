"""Forms of the 督查督办 pages: register a 批示, import minutes, issue a 督办单 or 催办, reply to one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import DateField, HiddenField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from tracker.forms import MultiCheckboxField, choices
from tracker.plans.forms import PLAN_EXTENSIONS
from tracker.supervision.models import MeetingKind, NoticeKind

KIND_LABELS = {MeetingKind.JOINT: _l("联席会议"), MeetingKind.TOPIC: _l("专题会议")}
NOTICE_LABELS = {NoticeKind.NOTICE: _l("督办单(编号)"), NoticeKind.REMINDER: _l("催办(不编号)")}


class InstructionForm(FlaskForm):
    document_title = StringField(_l("批示件标题"), validators=[DataRequired(), Length(max=300)])
    document_number = StringField(_l("来文文号"), validators=[Optional(), Length(max=100)])
    leader_id = SelectField(_l("批示领导"), coerce=int)
    leader_name = StringField(_l("批示领导姓名(无账号时填写)"), validators=[Optional(), Length(max=100)])
    written_on = DateField(_l("批示日期"), validators=[InputRequired()])
    words = TextAreaField(_l("批示内容"), validators=[DataRequired(), Length(max=5000)])
    lead_id = SelectField(_l("牵头单位"), coerce=int)
    co_ids = MultiCheckboxField(_l("配合单位"), coerce=int)
    due_on = DateField(_l("办理时限"), validators=[Optional()])
    reply_requirements = TextAreaField(_l("反馈要求"), validators=[Optional(), Length(max=2000)])


class MinutesForm(FlaskForm):
    title = StringField(_l("会议名称"), validators=[DataRequired(), Length(max=300)])
    kind = RadioField(_l("会议类型"), choices=choices((k.value, v) for k, v in KIND_LABELS.items()),
                      default=MeetingKind.JOINT.value)
    held_on = DateField(_l("会议日期"), validators=[InputRequired()])
    attendees = TextAreaField(_l("参会人员"), validators=[Optional(), Length(max=2000)])
    doc_number = StringField(_l("纪要文号"), validators=[Optional(), Length(max=100)])
    file = FileField(_l("纪要文件(Word、PDF、网页或纯文本)"), validators=[FileAllowed(PLAN_EXTENSIONS)])
    text = TextAreaField(_l("或粘贴会议纪要全文"))

    def validate_text(self, field):
        has_file = bool(self.file.data and getattr(self.file.data, "filename", ""))
        if has_file == bool((field.data or "").strip()):
            raise ValidationError(_l("请上传纪要文件,或粘贴纪要全文(二选一)。"))


class IssueDecisionForm(FlaskForm):
    issue_id = SelectField(_l("需协调事项"), coerce=int)
    decision = TextAreaField(_l("会议议定"), validators=[DataRequired(), Length(max=2000)])


class NoticeForm(FlaskForm):
    kind = RadioField(_l("类型"), choices=choices((k.value, v) for k, v in NOTICE_LABELS.items()),
                      default=NoticeKind.NOTICE.value)
    lateness = TextAreaField(_l("滞后情况"), validators=[Optional(), Length(max=2000)])
    requirement = TextAreaField(_l("督办要求"), validators=[DataRequired(), Length(max=2000)])
    reply_due_on = DateField(_l("书面反馈时限(不填为5个工作日后)"), validators=[Optional()])


class ReplyForm(FlaskForm):
    version = HiddenField()
    text = TextAreaField(_l("反馈内容"), validators=[DataRequired(), Length(max=5000)])
    files = MultipleFileField(_l("佐证材料"))
