from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker.auth.models import Role
from tracker.core.addresses import is_deliverable
from tracker.departments.models import DepartmentLevel
from tracker.forms import MultiCheckboxField, choices

ROLE_LABELS = {
    Role.ADMIN: _l("系统管理员"),
    Role.OFFICE: _l("联席会议办公室"),
    Role.LIAISON: _l("联络员"),
    Role.HEAD: _l("部门负责人"),
    Role.REVIEWER: _l("审核人"),
    Role.LEADER: _l("领导"),
}
LEVEL_LABELS = {
    DepartmentLevel.PROVINCE: _l("省级"),
    DepartmentLevel.CITY: _l("市级"),
    DepartmentLevel.COUNTY: _l("县区级"),
    DepartmentLevel.OTHER: _l("其他"),
}


class DepartmentForm(FlaskForm):
    name = StringField(_l("全称"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("简称"), validators=[Optional(), Length(max=100)])
    aliases = TextAreaField(_l("别名(每行一个,或用顿号分隔)"), validators=[Optional()])
    level = SelectField(_l("级别"), choices=choices((k.value, v) for k, v in LEVEL_LABELS.items()))
    parent_id = SelectField(_l("上级单位"), coerce=int, validate_choice=True)
    is_group = BooleanField(_l("这是一个单位组(如“苏南五市”“各县区政府”)"))
    member_ids = MultiCheckboxField(_l("组内单位"), coerce=int)
    requires_head_confirmation = BooleanField(_l("报送须经部门负责人确认"))
    is_active = BooleanField(_l("启用"), default=True)


class UserForm(FlaskForm):
    login = StringField(_l("账号"), validators=[DataRequired(), Length(max=80)])
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("电子邮箱"), validators=[Optional(), Length(max=200)],
                       filters=[lambda value: value.strip() if value else value])
    department_id = SelectField(_l("所属单位"), coerce=int)
    roles = MultiCheckboxField(_l("角色"), choices=choices((k.value, v) for k, v in ROLE_LABELS.items()))
    in_charge = MultiCheckboxField(_l("分管单位(领导)"), coerce=int)
    password = PasswordField(_l("密码(新建时必填;留空则不修改)"), validators=[Optional(), Length(min=8, max=200)])
    is_active = BooleanField(_l("启用"), default=True)

    def validate_email(self, field) -> None:
        if field.data and not is_deliverable(field.data):
            raise ValidationError(_l("请填写有效的电子邮箱地址,如 name@example.gov.cn(不含中文和空格)"))


class CalendarForm(FlaskForm):
    """节假日安排: a year's holidays and adjusted working days as the State Council published them."""

    days = TextAreaField(_l("节假日与调休(每行:日期或日期~日期、休或班、名称)"), validators=[Optional()])
    official = BooleanField(_l("这是该年国务院办公厅公布的完整安排(以此为准,不再使用 chinese_calendar 数据)"))
