"""The OpenAPI 3.1 description served at /api/v1/openapi.json.

The request bodies and query parameters described here are the very schemas tracker.api.validation checks
requests against, so the document cannot promise what the server refuses, nor the server take what the
document forbids.
"""
from __future__ import annotations

from tracker.core.database import MAX_ID
from tracker.tasks.forms import TEXT_LIMIT
from tracker.plans.models import ItemSource
from tracker.tasks.models import ContributionState, Light, MilestoneStatus, ProgressStatus, ReportState, TaskStatus
from tracker.tasks.queries import REPORT_MISSING, STATUS_CLOSED, STATUS_UNREPORTED

MAX_VERSION = 2**31 - 1
MAX_PAGE = 100_000
MAX_PER_PAGE = 200
MAX_TARGET_VALUE = 1e15
MAX_TARGET_VALUES = 200
MAX_FILES = 10
PERIOD_LABEL_LENGTH = 20


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _values(enum_cls) -> list[str]:
    return [member.value for member in enum_cls]


ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
VERSION = {"type": "integer", "minimum": 0, "maximum": MAX_VERSION,
           "description": "The `version` you read (0: the record does not exist yet). An integer-valued number "
                          "such as `3.0` is taken as the integer."}
# PostgreSQL's text cannot hold NUL, so no text field takes it (on either database).
NO_NUL = "^[^\\u0000]*$"
TEXT = {"type": "string", "maxLength": TEXT_LIMIT, "pattern": NO_NUL}
NULLABLE_STRING = {"type": ["string", "null"]}
DATE = {"type": ["string", "null"], "format": "date"}
MOMENT = {"type": ["string", "null"], "format": "date-time"}
NAMED = {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
PROGRESS_STATUS = {"enum": [*_values(ProgressStatus), None],
                   "description": "not_started 未启动, in_progress 推进中, completed 已完成, lagging 滞后"}
PERCENT = {"type": ["integer", "null"], "minimum": 0, "maximum": 100}

REPORT_EXAMPLE = {"version": 0, "progress_status": "in_progress", "percent_complete": 60,
                  "narrative": "已认定高新技术企业1010家,完成年度目标的84%。",
                  "target_values": [{"target_id": 1, "value": 1010}]}

SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error", "message"],
        "description": "Every 4xx answer of the API has this shape.",
        "properties": {
            "error": {"type": "string", "description": "The HTTP status' name, e.g. `Bad Request`."},
            "message": {"type": "string", "description": "What went wrong, in words for the client's user (zh-CN)."},
            "field": {"type": "string", "description": "400 only: the part of the request at fault, e.g. "
                                                       "`target_values[0].value` or the query parameter's name."},
            "current": {"description": "409 only: the record as it now stands."}},
        "examples": [{"error": "Bad Request", "message": "percent_complete 应在 0 到 100 之间",
                      "field": "percent_complete"}]},
    "Period": {"type": ["object", "null"], "properties": {
        "id": {"type": "integer"}, "label": {"type": "string"}, "starts_on": DATE, "ends_on": DATE, "due_on": DATE}},
    "TaskSummary": {"type": "object", "properties": {
        "id": {"type": "integer"}, "number": {"type": "string"}, "title": {"type": "string"},
        "source": {"enum": _values(ItemSource), "description": "规划方案 (plan), 领导批示 (instruction) or 会议议定事项 "
                                                               "(meeting); `plan` is the item's plan, 批示件 or minutes."},
        "plan": {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}},
        "lead_department": NAMED,
        "status": {"enum": _values(TaskStatus)},
        "progress_status": PROGRESS_STATUS,
        "percent_complete": PERCENT,
        "light": {"enum": _values(Light)}, "light_reason": NULLABLE_STRING,
        "due_on": DATE, "reopen_count": {"type": "integer"}, "version": {"type": "integer"},
        "report_state": {"enum": [*_values(ReportState), None],
                         "description": "Only when the list is filtered by `period`."},
        "url": {"type": "string"}}},
    "Evidence": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "content_type": {"type": "string"},
        "size_bytes": {"type": "integer"}, "sha256": {"type": "string"}, "uploaded_at": MOMENT,
        "url": {"type": "string", "description": "GET it with the same token to download the file."}}},
    "Review": {"type": "object", "properties": {
        "subject": {"enum": ["report", "milestone", "completion"]}, "decision": {"enum": ["approved", "returned"]},
        "reason": {"type": "string", "description": "Always given when returned."},
        "reviewer": NULLABLE_STRING, "decided_at": MOMENT}},
    "TargetValue": {
        "type": "object", "required": ["target_id", "value"], "additionalProperties": False,
        "properties": {"target_id": {**ID, "description": "One of the item's `targets`."},
                       "value": {"type": "number", "minimum": 0, "maximum": MAX_TARGET_VALUE,
                                 "description": "The value reached; a finite number (no NaN or Infinity)."}}},
    "Report": {"type": "object", "description": "进展报送 of one task for one period; `id` null and `version` 0 "
                                                "until first saved.", "properties": {
        "id": {"type": ["integer", "null"]}, "task_id": {"type": "integer"}, "period": _ref("Period"),
        "version": {"type": "integer"}, "state": {"enum": [*_values(ReportState), None]},
        "progress_status": PROGRESS_STATUS, "percent_complete": PERCENT,
        "narrative": {"type": "string"},
        "target_values": {"type": "array", "items": _ref("TargetValue")},
        "needs_coordination": {"type": "boolean"}, "coordination_text": {"type": "string"},
        "claims_completion": {"type": "boolean", "description": "申请销号; needs 已完成 and evidence."},
        "submitted_at": MOMENT, "is_late": {"type": "boolean"}, "return_count": {"type": "integer"},
        "evidence": {"type": "array", "items": _ref("Evidence")},
        "reviews": {"type": "array", "items": _ref("Review")}, "url": {"type": "string"}}},
    "ReportWrite": {
        "type": "object", "required": ["version"], "additionalProperties": False,
        "description": "Fields left out keep their value; a property not listed here is refused (400), so a "
                       "misspelt field cannot be silently dropped.",
        "properties": {
            "version": VERSION, "progress_status": PROGRESS_STATUS, "percent_complete": PERCENT,
            "narrative": TEXT,
            "target_values": {"type": "array", "maxItems": MAX_TARGET_VALUES, "items": _ref("TargetValue"),
                              "description": "Replaces the values reported for the item's targets."},
            "needs_coordination": {"type": "boolean"}, "coordination_text": TEXT,
            "claims_completion": {"type": "boolean"}},
        "examples": [REPORT_EXAMPLE]},
    "Instruction": {"type": "object", "properties": {
        "id": {"type": "integer"}, "document_title": {"type": "string"}, "document_number": NULLABLE_STRING,
        "leader": {"type": "string"}, "words": {"type": "string", "description": "批示内容"}, "written_on": DATE,
        "reply_requirements": {"type": "string"},
        "task": {"anyOf": [_ref("TaskSummary"), {"type": "null"}], "description": "The item it was assigned as."}}},
    "Notice": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"enum": ["notice", "reminder"],
                                            "description": "`notice`: 督办单, numbered; `reminder`: 催办, no number."},
        "number": {**NULLABLE_STRING, "description": "督办〔2026〕12号"}, "task_id": {"type": "integer"},
        "task_title": {"type": "string"}, "source": {"enum": _values(ItemSource)}, "department": NAMED,
        "issued_at": MOMENT, "lateness": {"type": "string"}, "requirement": {"type": "string"},
        "reply_due_on": DATE, "reply_text": NULLABLE_STRING, "replied_at": MOMENT, "escalated_at": MOMENT,
        "evidence": {"type": "array", "items": _ref("Evidence")}, "version": {"type": "integer"},
        "url": {"type": "string"}}},
    "NoticeReply": {"type": "object", "required": ["version", "text"], "additionalProperties": False,
                    "properties": {"version": VERSION, "text": {**TEXT, "minLength": 1}},
                    "examples": [{"version": 1, "text": "已完成整改,3月进展已补报。"}]},
    "VersionOnly": {"type": "object", "required": ["version"], "additionalProperties": False,
                    "properties": {"version": VERSION}, "examples": [{"version": 1}]},
    "Contribution": {"type": "object", "properties": {
        "id": {"type": ["integer", "null"]}, "task_id": {"type": "integer"}, "period": _ref("Period"),
        "version": {"type": "integer"}, "state": {"enum": [*_values(ContributionState), None]},
        "narrative": {"type": "string"}, "department": NAMED, "submitted_at": MOMENT}},
    "ContributionWrite": {
        "type": "object", "required": ["version"], "additionalProperties": False,
        "description": "A `narrative` left out keeps its value; a property not listed here is refused (400).",
        "properties": {"version": VERSION, "narrative": TEXT,
                       "submit": {"type": "boolean", "description": "Hand it to the lead department."}},
        "examples": [{"version": 0, "narrative": "已拨付专项资金300万元。", "submit": False}]},
    "EvidenceUpload": {
        "type": "object", "required": ["file"], "additionalProperties": False,
        "properties": {"file": {"type": "array", "minItems": 1, "maxItems": MAX_FILES,
                                "items": {"type": "string", "format": "binary"},
                                "description": "One part per file, each with its file name; the name's extension "
                                               "and the content must be an accepted kind (PDF, Word, Excel, "
                                               "image, text, zip, OFD), else 422."}}},
    "Milestone": {"type": "object", "properties": {
        "id": {"type": "integer"}, "year": {"type": ["integer", "null"]}, "due_on": DATE, "text": {"type": "string"},
        "status": {"enum": _values(MilestoneStatus)}, "version": {"type": "integer"}}},
    "TaskDetail": {"allOf": [_ref("TaskSummary"), {"type": "object", "properties": {
        "text": {"type": "string"},
        "departments": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"enum": ["lead", "co"]},
            "signed_at": MOMENT}}},
        "targets": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "value": {"type": "number"},
            "unit": {"type": "string"}, "year": {"type": ["integer", "null"]},
            "reached_value": {"type": ["number", "null"]}}}},
        "milestones": {"type": "array", "items": _ref("Milestone")},
        "periods_due": {"type": "object", "properties": {"last": _ref("Period"), "next": _ref("Period")}},
        "reports": {"type": "array", "items": _ref("Report")}}}]},
    "TaskPage": {"type": "object", "required": ["items", "total", "page", "per_page"], "properties": {
        "items": {"type": "array", "items": _ref("TaskSummary")}, "total": {"type": "integer"},
        "page": {"type": "integer"}, "per_page": {"type": "integer"}}},
}


def _json(schema: dict, description: str, links: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    return response | ({"links": links} if links else {})


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


UNAUTHORIZED = {"401": {
    "description": "Missing, unknown or revoked token.",
    "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True,
                                     "description": "`Bearer realm=\"tracker\"`"}},
    "content": {"application/json": {"schema": _ref("Error")}}}}
READ_ERRORS = UNAUTHORIZED | {"404": _error("No such item (or period, or file), or one the caller may not see.")}
WRITE_ERRORS = READ_ERRORS | {
    "400": _error("The request is not what the schema describes: not JSON, a missing or unknown field, a wrong "
                  "type, a number out of range, NaN or Infinity, nesting too deep. `field` names the culprit; "
                  "nothing was written."),
    "403": _error("The caller may see the item but not do this to it (e.g. the office writing a liaison's report)."),
    "413": _error("The request body is larger than the server takes (25 MB)."),
    "415": _error("The body is not of the media type this operation takes."),
    "422": _error("The request is well formed, but the workflow refuses it now; `message` says why. E.g. the "
                  "report is already submitted or approved, the item is closed (销号), evidence before the "
                  "report was first saved, a target of another item, a file of a kind not accepted, submitting "
                  "without a progress status, claiming completion without evidence."),
}


def _conflict(schema: str) -> dict:
    return {"409": _json({"allOf": [_ref("Error"), {"type": "object", "required": ["current"],
                                                      "properties": {"current": _ref(schema)}}]},
                         "Stale `version`: nothing was written; `current` is the record as it stands.")}


def _path_id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": ID,
            "example": 1}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _body(schema: str, media_type: str = "application/json") -> dict:
    return {"required": True, "content": {media_type: {"schema": _ref(schema)}}}


TASK_ID = _path_id("task_id", "The item (task).")
PERIOD_ID = _path_id("period_id", "A reporting period (调度周期) of the item's plan.")
STATUS_FILTERS = [STATUS_UNREPORTED, *_values(ProgressStatus), STATUS_CLOSED]
REPORT_FILTERS = [REPORT_MISSING, *_values(ReportState)]

LIST_TASKS_PARAMETERS = [
    _query("page", "1-based page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    _query("per_page", f"items per page (default 50, at most {MAX_PER_PAGE})",
           {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}),
    _query("plan", "plan id", ID),
    _query("department", "department id, lead or co-responsible", ID),
    _query("status", "reported progress status, `unreported` (none yet) or `closed` (销号)", {"enum": STATUS_FILTERS}),
    _query("light", "红黄绿灯", {"enum": _values(Light)}),
    _query("source", "where the item comes from: `plan` (规划方案), `instruction` (领导批示), `meeting` (会议议定事项)",
           {"enum": _values(ItemSource)}),
    _query("period", "period label such as `2025-03`, `2025-Q1` or `2025-06-30`; adds `report_state` to each item",
           {"type": "string", "minLength": 1, "maxLength": PERIOD_LABEL_LENGTH, "pattern": NO_NUL}),
    _query("report", "with `period`: the report's state for that period, or `missing`; ignored without `period`",
           {"enum": REPORT_FILTERS}),
]

_REPORT_KEYS = {"task_id": "$response.body#/task_id", "period_id": "$response.body#/period/id"}
EDIT_REPORT = {"operationId": "saveReport", "parameters": _REPORT_KEYS,
               "requestBody": {"version": "$response.body#/version", "target_values": "$response.body#/target_values"},
               "description": "Edit the report just read: its version, and its target values unless changed."}
GET_REPORT = {"operationId": "getReport", "parameters": _REPORT_KEYS}
SAVED_REPORT_LINKS = {
    "SaveReport": EDIT_REPORT,
    "SubmitReport": {"operationId": "submitReport", "parameters": _REPORT_KEYS,
                     "requestBody": {"version": "$response.body#/version"},
                     "description": "Submit the report just saved."},
    "AttachEvidence": {"operationId": "attachEvidence", "parameters": _REPORT_KEYS,
                       "description": "Attach files to the report just saved."},
    "GetReport": GET_REPORT,
}


def _period_links(name: str, period: str) -> dict:
    keys = {"task_id": "$response.body#/id", "period_id": f"$response.body#/periods_due/{period}/id"}
    return {f"GetReport{name}": {"operationId": "getReport", "parameters": keys,
                                 "description": f"The report for the {period} period due."},
            f"GetContribution{name}": {"operationId": "getContribution", "parameters": keys,
                                       "description": f"The caller's contribution for the {period} period due."}}


TASK_LINKS = _period_links("Last", "last") | _period_links("Next", "next")
CONTRIBUTION_LINKS = {
    "SaveContribution": {"operationId": "saveContribution", "parameters": _REPORT_KEYS,
                         "requestBody": {"version": "$response.body#/version"}}}

PATHS = {
    "/tasks": {"get": {
        "operationId": "listTasks", "summary": "The items the caller may see, paged",
        "parameters": LIST_TASKS_PARAMETERS,
        "responses": {
            "200": _json(_ref("TaskPage"), "A page of items (an empty one past the last page)", {
                "GetTask": {"operationId": "getTask", "parameters": {"task_id": "$response.body#/items/0/id"}}}),
            "400": _error("A query parameter is not what is described (wrong type, out of range, not one of the "
                          "values, given twice); `field` names it."),
            **UNAUTHORIZED}}},
    "/tasks/{task_id}": {"get": {
        "operationId": "getTask", "summary": "One item with its departments, targets, milestones and reports",
        "parameters": [TASK_ID],
        "responses": {"200": _json(_ref("TaskDetail"), "The item", TASK_LINKS), **READ_ERRORS}}},
    "/tasks/{task_id}/reports/{period_id}": {
        "get": {"operationId": "getReport", "summary": "The lead department's report for a period",
                "parameters": [TASK_ID, PERIOD_ID],
                "responses": {"200": _json(_ref("Report"), "The report (blank, version 0, before the first save)",
                                           {"SaveReport": EDIT_REPORT}), **READ_ERRORS}},
        "put": {"operationId": "saveReport", "summary": "Save the report as a draft (lead department's liaison)",
                "parameters": [TASK_ID, PERIOD_ID], "requestBody": _body("ReportWrite"),
                "responses": {"200": _json(_ref("Report"), "Saved", SAVED_REPORT_LINKS), **WRITE_ERRORS,
                              **_conflict("Report")}}},
    "/tasks/{task_id}/reports/{period_id}/submit": {"post": {
        "operationId": "submitReport",
        "summary": "Submit the saved report (to the head for confirmation, or to review)",
        "parameters": [TASK_ID, PERIOD_ID], "requestBody": _body("VersionOnly"),
        "responses": {"200": _json(_ref("Report"), "Submitted", {"GetReport": GET_REPORT}),
                      **WRITE_ERRORS, **_conflict("Report")}}},
    "/tasks/{task_id}/reports/{period_id}/evidence": {"post": {
        "operationId": "attachEvidence",
        "summary": "Attach evidence files (佐证材料) to the report while it can still be edited",
        "description": "The report must have been saved once (else 422), and not be submitted or approved.",
        "parameters": [TASK_ID, PERIOD_ID], "requestBody": _body("EvidenceUpload", "multipart/form-data"),
        "responses": {
            "201": _json({"type": "object", "required": ["items"],
                          "properties": {"items": {"type": "array", "items": _ref("Evidence")}}}, "Stored",
                         {"GetEvidence": {"operationId": "getEvidence",
                                          "parameters": {"evidence_id": "$response.body#/items/0/id"}}}),
            **WRITE_ERRORS}}},
    "/evidence/{evidence_id}": {"get": {
        "operationId": "getEvidence", "summary": "Download an evidence file",
        "parameters": [_path_id("evidence_id", "The file")],
        "responses": {"200": {"description": "The file, as an attachment, in its own media type",
                              "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
                      **READ_ERRORS}}},
    "/tasks/{task_id}/contributions/{period_id}": {
        "get": {"operationId": "getContribution",
                "summary": "The caller's department's contribution for a period", "parameters": [TASK_ID, PERIOD_ID],
                "responses": {"200": _json(_ref("Contribution"), "The contribution (blank before the first save)",
                                           CONTRIBUTION_LINKS), **READ_ERRORS}},
        "put": {"operationId": "saveContribution",
                "summary": "Save or submit a contribution (co-responsible department's liaison)",
                "parameters": [TASK_ID, PERIOD_ID], "requestBody": _body("ContributionWrite"),
                "responses": {"200": _json(_ref("Contribution"), "Saved", CONTRIBUTION_LINKS), **WRITE_ERRORS,
                              **_conflict("Contribution")}}},
}

NOTICE_ID = _path_id("notice_id", "A 督办单 or 催办.")
NOTICE_FILTERS = [
    _query("kind", "`notice` (督办单) or `reminder` (催办)", {"enum": ["notice", "reminder"]}),
    _query("state", "`open` (reply not yet due), `overdue` (past its day, unanswered) or `answered`",
           {"enum": ["open", "overdue", "answered"]}),
]
PATHS |= {
    "/instructions": {"get": {
        "operationId": "listInstructions", "summary": "批示件 whose items the caller may see, newest first",
        "responses": {"200": _json({"type": "object", "properties": {
            "items": {"type": "array", "items": _ref("Instruction")}}}, "The instructions"), **UNAUTHORIZED}}},
    "/notices": {"get": {
        "operationId": "listNotices", "summary": "督办单台账: every notice for the office, leaders and reviewers; "
                                                 "a department's own for its liaison and head",
        "parameters": NOTICE_FILTERS,
        "responses": {"200": _json({"type": "object", "properties": {
            "items": {"type": "array", "items": _ref("Notice")}}}, "The notices, newest first"),
            "400": _error("A query parameter is not one of the values described."), **UNAUTHORIZED}}},
    "/notices/{notice_id}": {"get": {
        "operationId": "getNotice", "summary": "One 督办单 or 催办 with its reply", "parameters": [NOTICE_ID],
        "responses": {"200": _json(_ref("Notice"), "The notice"), **READ_ERRORS}}},
    "/notices/{notice_id}/reply": {"post": {
        "operationId": "replyNotice", "summary": "The department's written reply (反馈), once; its head or liaison",
        "parameters": [NOTICE_ID], "requestBody": _body("NoticeReply"),
        "responses": {"200": _json(_ref("Notice"), "Filed"), **WRITE_ERRORS, **_conflict("Notice")}}},
}

DESCRIPTION = """督查督办系统的接口。令牌:`flask --app wsgi users token LOGIN` 或个人设置页。
权限与页面相同;看不到的事项返回 404。

- Every 4xx answer has the `Error` shape; 400 names the request part at fault in `field`.
- Request bodies are JSON (`application/json`; evidence: `multipart/form-data`). A property a body's schema
  does not list is refused (400). Numbers must be finite: `NaN`, `Infinity` and numbers beyond a double are
  refused. An integer-valued number such as `3.0` counts as the integer 3.
- Ids are positive integers up to 2147483647 (2³¹−1); a larger one, like any unknown id, is 404 in a path,
  and 400 in a query string or a body.
- Every writable record carries a `version`; a write with a stale one is 409 with the record as it stands.
- A method a path does not offer is 405 with an `Allow` header. The API has no rate limit of its own."""


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "tracker API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": SCHEMAS},
        "paths": PATHS,
    }
