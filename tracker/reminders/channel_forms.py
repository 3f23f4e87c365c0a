"""Forms of the channel pages: a user's notification preferences and the office's webhook endpoints."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import URL, DataRequired, Length, Optional

from tracker.forms import choices
from tracker.reminders.models import WebhookFormat

# The default ladder's levels (提醒 → 逾期 → 督办 → 通报); a custom policy uses the same scale.
LEVEL_LABELS = {
    0: _l("所有提醒(含到期前提醒)"),
    1: _l("逾期提醒及以上"),
    2: _l("督办及以上"),
    3: _l("仅列入通报的事项"),
}
FORMAT_LABELS = {
    WebhookFormat.JSON: _l("通用 JSON"),
    WebhookFormat.WECOM: _l("企业微信群机器人"),
    WebhookFormat.DINGTALK: _l("钉钉群机器人"),
}


class PreferencesForm(FlaskForm):
    email = BooleanField(_l("通过电子邮件接收通知"))
    email_min_level = SelectField(_l("邮件只发送以下级别的通知"), coerce=int,
                                  choices=choices(LEVEL_LABELS.items()))


class WebhookForm(FlaskForm):
    name = StringField(_l("名称"), validators=[DataRequired(), Length(max=100)])
    department_id = SelectField(_l("接收哪个单位的通知"), coerce=int)
    url = StringField(_l("Webhook 地址"), validators=[DataRequired(), Length(max=500),
                                                      URL(require_tld=False, message=_l("请输入完整的 http(s) 地址"))])
    format = SelectField(_l("消息格式"), choices=choices((k.value, v) for k, v in FORMAT_LABELS.items()))
    secret = PasswordField(_l("钉钉加签密钥(SEC 开头;留空则不修改)"), validators=[Optional(), Length(max=200)])
    clear_secret = BooleanField(_l("清除已保存的密钥"))
    is_active = BooleanField(_l("启用"), default=True)
