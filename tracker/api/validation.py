"""What a client sends, checked against the schemas openapi.json publishes: JSON bodies, uploads, query strings.

Anything the description does not allow is refused here with a 400 (or 415 for the wrong media type) and a
message naming the field, before a view reads it: a view only ever sees a request the document describes.
"""
from __future__ import annotations

import json
import math
import re
from functools import cache

from flask import request
from flask_babel import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from werkzeug.exceptions import UnsupportedMediaType

from tracker.api.openapi import openapi_document

_DOCUMENT = "urn:tracker:api"
# "350" and "350.0" are both the integer 350, as in JSON; anything else stays text and fails `type`.
_QUERY_INTEGER = re.compile(r"[+-]?\d+(?:\.0*)?")


class BadInput(ValueError):
    """A request the API's description does not allow; the message says why, in words for the client's user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@cache
def _validator(name: str) -> Draft202012Validator:
    """A validator for one of the document's component schemas, its references resolved in the document."""
    registry = Registry().with_resource(_DOCUMENT, DRAFT202012.create_resource(openapi_document()))
    return Draft202012Validator({"$ref": f"{_DOCUMENT}#/components/schemas/{name}"}, registry=registry)


def _field(path) -> str:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    return name


def _type_names(types) -> str:
    names = {"integer": _("整数"), "number": _("数字"), "string": _("文本"), "boolean": _("布尔值(true 或 false)"),
             "object": _("JSON 对象"), "array": _("列表"), "null": "null"}
    return _("或").join(names[t] for t in ([types] if isinstance(types, str) else types))


def _described(error: ValidationError, prefix: tuple) -> BadInput:
    """The first thing wrong, as a sentence naming the field (or the body, when the body itself is wrong)."""
    keyword, expected, schema = error.validator, error.validator_value, error.schema
    path = [*prefix, *error.absolute_path]
    if keyword == "required":
        field = _field([*path, next(n for n in expected if n not in error.instance)])
        return BadInput(_("缺少必填字段 %(field)s", field=field), field)
    if keyword == "additionalProperties":
        known = schema.get("properties", {})
        field = _field([*path, sorted(str(key) for key in error.instance if key not in known)[0]])
        return BadInput(_("不接受字段“%(field)s”;可用的字段:%(known)s", field=field, known=", ".join(known)), field)
    field = _field(path)
    label = field or _("请求体")
    if keyword == "type":
        message = _("%(field)s 应为%(kind)s", field=label, kind=_type_names(expected))
    elif keyword in ("minimum", "maximum"):
        message = _("%(field)s 应在 %(low)s 到 %(high)s 之间", field=label, low=schema.get("minimum", "-∞"),
                    high=schema.get("maximum", "∞"))
    elif keyword == "enum":
        message = _("%(field)s 应为 %(values)s 之一", field=label,
                    values=", ".join("null" if v is None else str(v) for v in expected))
    elif keyword == "maxLength":
        message = _("%(field)s 最长 %(count)s 个字符", field=label, count=expected)
    elif keyword == "pattern":  # the only pattern the document uses keeps NUL out
        message = _("%(field)s 不能含有 NUL 字符", field=label)
    elif keyword == "minLength":
        message = _("%(field)s 不能为空", field=label)
    elif keyword in ("minItems", "maxItems"):
        message = _("%(field)s 应有 %(low)s 到 %(high)s 项", field=label, low=schema.get("minItems", 0),
                    high=schema.get("maxItems", "∞"))
    else:
        message = _("%(field)s 的值无效", field=label)
    return BadInput(message, field or None)


def _check(validator: Draft202012Validator, instance, prefix: tuple = ()) -> None:
    try:
        error = best_match(validator.iter_errors(instance))
    except RecursionError:
        raise BadInput(_("JSON 嵌套过深")) from None
    if error is not None:
        raise _described(error, prefix)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadInput(_("数字 %(number)s 超出范围", number=text[:40]))
    return value


def _not_a_number(name: str):
    raise BadInput(_("JSON 中不能有 %(constant)s,数字须是有限的", constant=name))


def json_body(schema: str) -> dict:
    """The request's JSON body, checked against the named component schema."""
    if not request.is_json:
        raise UnsupportedMediaType(_("请求体应为 JSON(Content-Type: application/json)"))
    try:
        body = json.loads(request.get_data().decode("utf-8"), parse_float=_finite, parse_constant=_not_a_number)
    except BadInput:
        raise
    except RecursionError:
        raise BadInput(_("JSON 嵌套过深")) from None
    except ValueError:  # not UTF-8, not JSON, or an integer of thousands of digits
        raise BadInput(_("请求体不是有效的 JSON")) from None
    _check(_validator(schema), body)
    return body


def uploaded_files(schema: str) -> list:
    """The files of a multipart upload whose fields the named component schema describes."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType(_("请用 multipart/form-data 上传文件"))
    # Every part is a string to the schema (a file stands for its bytes); repeated names make the arrays.
    parts = {name: request.form.getlist(name) for name in request.form}
    parts |= {name: parts.get(name, []) + [f.filename for f in request.files.getlist(name)] for name in request.files}
    _check(_validator(schema), parts)
    files = request.files.getlist("file")
    if len(files) != len(parts["file"]) or not all(f.filename for f in files):
        raise BadInput(_("file 的每一部分都应是带文件名的文件"), "file")
    return files


def query_values(parameters: list[dict]) -> dict:
    """The query string's values of the described parameters (integers as int), each checked by its schema."""
    values = {}
    for parameter in parameters:
        name, schema = parameter["name"], parameter["schema"]
        given = request.args.getlist(name)
        if not given:
            continue
        if len(given) > 1:
            raise BadInput(_("查询参数 %(field)s 只能给一次", field=name), name)
        value = given[0]
        if schema.get("type") == "integer" and _QUERY_INTEGER.fullmatch(value):
            try:
                value = int(value.partition(".")[0])
            except ValueError:  # thousands of digits
                pass
        _check(Draft202012Validator(schema), value, (name,))
        values[name] = value
    return values
