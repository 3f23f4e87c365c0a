from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    login = StringField(_l("账号"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("密码"), validators=[DataRequired()])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired()])
    new = PasswordField(_l("新密码"), validators=[DataRequired(), Length(min=8, max=200)])
    repeat = PasswordField(_l("再次输入新密码"), validators=[DataRequired(), EqualTo("new", message=_l("两次输入的密码不一致"))])


class TokenForm(FlaskForm):
    name = StringField(_l("令牌名称"), validators=[Length(max=100)])
