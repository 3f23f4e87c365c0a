"""What an error says to the user (错误提示), the same on an error page, in a flash and in the API."""
from __future__ import annotations

from flask_babel import gettext as _


def error_messages() -> dict[int, str]:
    return {
        400: _("请求无效。如果您刚提交了表单,请刷新页面后重试。"),
        403: _("您没有权限执行此操作或查看此内容。"),
        404: _("找不到您要访问的页面或事项。"),
        405: _("不支持该请求方式。"),
        409: _("该记录已被他人修改,请查看最新内容后再保存。"),
        413: _("上传的内容过大,请压缩或拆分后重新上传。"),
        429: _("登录尝试过于频繁,请一分钟后再试。"),
        500: _("系统内部错误,已记录,请稍后重试。"),
    }
