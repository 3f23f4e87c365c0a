"""Forms of the report page: generate a supervision report, a dispatch sheet or the ledger."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from tracker.forms import choices
from tracker.reports.figures import PeriodError, parse_period


def _readable_period(_form, field) -> None:
    if field.data:
        try:
            parse_period(field.data)
        except PeriodError as error:
            raise ValidationError(str(error)) from None


def _period_field(required: bool = False):
    return StringField(_l("通报期"), validators=[InputRequired() if required else Optional(), Length(max=10),
                                                  _readable_period],
                       description=_l("2025-03(月)、2025-Q1(季度)或 2025(年);不填为上一个月"))


class SupervisionForm(FlaskForm):
    period = _period_field()
    doc_number = StringField(_l("文号"), validators=[Optional(), Length(max=100)],
                             description=_l("如:督查通报〔2025〕3号;不填则留空待填"))
    submit = SubmitField(_l("生成督查通报"))


class DispatchForm(FlaskForm):
    department = SelectField(_l("单位"), coerce=int, validators=[InputRequired()])
    period = _period_field()
    submit = SubmitField(_l("生成调度单"))


class PreviewForm(FlaskForm):
    """What to look at before generating (a GET form: it changes nothing, so it carries no CSRF token)."""

    class Meta:
        csrf = False

    period = _period_field()
    department = SelectField(_l("内容"), coerce=int, default=0,
                             description=_l("全市督查通报,或某单位的调度单"))
    format = SelectField(_l("格式"), choices=choices([("html", _l("网页")), ("pdf", "PDF")]), default="html")
    submit = SubmitField(_l("预览"))


class LedgerForm(FlaskForm):
    """The ledger to download (a GET form: it changes nothing, so it carries no CSRF token)."""

    class Meta:
        csrf = False

    period = _period_field()
    submit = SubmitField(_l("导出台账"))
