"""The OpenAPI 3.1 description served at /api/v1/openapi.json."""
from __future__ import annotations

from tracker.tasks.models import ContributionState, Light, ProgressStatus, ReportState, TaskStatus


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "integer"}}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _values(enum_cls) -> list[str]:
    return [member.value for member in enum_cls]


NULLABLE_STRING = {"type": ["string", "null"]}
DATE = {"type": ["string", "null"], "format": "date"}
MOMENT = {"type": ["string", "null"], "format": "date-time"}
NAMED = {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error", "message"],
              "properties": {"error": {"type": "string"}, "message": {"type": "string"}}},
    "Period": {"type": ["object", "null"], "properties": {
        "id": {"type": "integer"}, "label": {"type": "string"}, "starts_on": DATE, "ends_on": DATE, "due_on": DATE}},
    "TaskSummary": {"type": "object", "properties": {
        "id": {"type": "integer"}, "number": {"type": "string"}, "title": {"type": "string"},
        "plan": {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}},
        "lead_department": NAMED,
        "status": {"enum": _values(TaskStatus)},
        "progress_status": {"enum": [*_values(ProgressStatus), None]},
        "percent_complete": {"type": ["integer", "null"]},
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
    "TargetValue": {"type": "object", "required": ["target_id", "value"],
                    "properties": {"target_id": {"type": "integer"}, "value": {"type": "number", "minimum": 0}}},
    "Report": {"type": "object", "description": "进展报送 of one task for one period; `id` null and `version` 0 "
                                                "until first saved.", "properties": {
        "id": {"type": ["integer", "null"]}, "task_id": {"type": "integer"}, "period": _ref("Period"),
        "version": {"type": "integer"}, "state": {"enum": [*_values(ReportState), None]},
        "progress_status": {"enum": [*_values(ProgressStatus), None]},
        "percent_complete": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
        "narrative": {"type": "string"},
        "target_values": {"type": "array", "items": _ref("TargetValue")},
        "needs_coordination": {"type": "boolean"}, "coordination_text": {"type": "string"},
        "claims_completion": {"type": "boolean", "description": "申请销号; needs 已完成 and evidence."},
        "submitted_at": MOMENT, "is_late": {"type": "boolean"}, "return_count": {"type": "integer"},
        "evidence": {"type": "array", "items": _ref("Evidence")},
        "reviews": {"type": "array", "items": _ref("Review")}, "url": {"type": "string"}}},
    "ReportWrite": {"type": "object", "required": ["version"], "description": "Fields left out keep their value.",
                    "properties": {
        "version": {"type": "integer", "minimum": 0, "description": "The version you read (0: none yet)."},
        "progress_status": {"enum": [*_values(ProgressStatus), None]},
        "percent_complete": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
        "narrative": {"type": "string"},
        "target_values": {"type": "array", "items": _ref("TargetValue")},
        "needs_coordination": {"type": "boolean"}, "coordination_text": {"type": "string"},
        "claims_completion": {"type": "boolean"}}},
    "VersionOnly": {"type": "object", "required": ["version"],
                    "properties": {"version": {"type": "integer", "minimum": 0}}},
    "Contribution": {"type": "object", "properties": {
        "id": {"type": ["integer", "null"]}, "task_id": {"type": "integer"}, "period": _ref("Period"),
        "version": {"type": "integer"}, "state": {"enum": [*_values(ContributionState), None]},
        "narrative": {"type": "string"}, "department": NAMED, "submitted_at": MOMENT}},
    "ContributionWrite": {"type": "object", "required": ["version"], "properties": {
        "version": {"type": "integer", "minimum": 0}, "narrative": {"type": "string"},
        "submit": {"type": "boolean", "description": "Hand it to the lead department."}}},
    "TaskDetail": {"allOf": [_ref("TaskSummary"), {"type": "object", "properties": {
        "text": {"type": "string"},
        "departments": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"enum": ["lead", "co"]},
            "signed_at": MOMENT}}},
        "targets": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "value": {"type": "number"},
            "unit": {"type": "string"}, "year": {"type": ["integer", "null"]},
            "reached_value": {"type": ["number", "null"]}}}},
        "milestones": {"type": "array", "items": {"type": "object"}},
        "periods_due": {"type": "object", "properties": {"last": _ref("Period"), "next": _ref("Period")}},
        "reports": {"type": "array", "items": _ref("Report")}}}]},
}

ERRORS = {
    "401": _json(_ref("Error"), "Missing, unknown or revoked token."),
    "404": _json(_ref("Error"), "No such item, or one the caller may not see."),
}
WRITE_ERRORS = ERRORS | {
    "400": _json(_ref("Error"), "The body is not what this endpoint takes."),
    "403": _json(_ref("Error"), "The caller may see the item but not do this to it."),
    "422": _json(_ref("Error"), "The workflow refuses this now; `message` says why."),
}
TASK_ID = _id("task_id", "The item (task).")
PERIOD_ID = _id("period_id", "A reporting period (调度周期) of the item's plan.")


def _conflict(schema: str) -> dict:
    return {"409": _json({"allOf": [_ref("Error"), {"type": "object", "properties": {"current": _ref(schema)}}]},
                         "Stale `version`: nothing was written; `current` is the record as it stands.")}


PATHS = {
    "/tasks": {"get": {
        "summary": "The items the caller may see, paged",
        "parameters": [
            _query("page", "1-based page", {"type": "integer", "minimum": 1}),
            _query("per_page", "items per page (at most 200)", {"type": "integer", "minimum": 1, "maximum": 200}),
            _query("plan", "plan id", {"type": "integer"}), _query("department", "department id (lead or co)",
                                                                   {"type": "integer"}),
            _query("status", "progress status, `unreported` or `closed`"),
            _query("light", "green, yellow or red", {"enum": _values(Light)}),
            _query("period", "period label such as 2025-03"),
            _query("report", "with `period`: a report state or `missing`"),
        ],
        "responses": {"200": _json({"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": _ref("TaskSummary")}, "total": {"type": "integer"},
            "page": {"type": "integer"}, "per_page": {"type": "integer"}}}, "A page of items"), **ERRORS}}},
    "/tasks/{task_id}": {"get": {
        "summary": "One item with its departments, targets, milestones and reports",
        "parameters": [TASK_ID], "responses": {"200": _json(_ref("TaskDetail"), "The item"), **ERRORS}}},
    "/tasks/{task_id}/reports/{period_id}": {
        "get": {"summary": "The lead department's report for a period", "parameters": [TASK_ID, PERIOD_ID],
                "responses": {"200": _json(_ref("Report"), "The report (blank, version 0, before the first save)"),
                              **ERRORS}},
        "put": {"summary": "Save the report as a draft (lead department's liaison)", "parameters": [TASK_ID, PERIOD_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ReportWrite")}}},
                "responses": {"200": _json(_ref("Report"), "Saved"), **WRITE_ERRORS, **_conflict("Report")}}},
    "/tasks/{task_id}/reports/{period_id}/submit": {"post": {
        "summary": "Submit the saved report (to the head for confirmation, or to review)",
        "parameters": [TASK_ID, PERIOD_ID],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("VersionOnly")}}},
        "responses": {"200": _json(_ref("Report"), "Submitted"), **WRITE_ERRORS, **_conflict("Report")}}},
    "/tasks/{task_id}/reports/{period_id}/evidence": {"post": {
        "summary": "Attach evidence files (佐证材料) to the saved report",
        "parameters": [TASK_ID, PERIOD_ID],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "properties": {"file": {"type": "array", "items": {"type": "string",
                                                                                   "format": "binary"}}}}}}},
        "responses": {"201": _json({"type": "object", "properties": {
            "items": {"type": "array", "items": _ref("Evidence")}}}, "Stored"), **WRITE_ERRORS}}},
    "/evidence/{evidence_id}": {"get": {
        "summary": "Download an evidence file", "parameters": [_id("evidence_id", "The file")],
        "responses": {"200": {"description": "The file, as an attachment"}, **ERRORS}}},
    "/tasks/{task_id}/contributions/{period_id}": {
        "get": {"summary": "The caller's department's contribution for a period", "parameters": [TASK_ID, PERIOD_ID],
                "responses": {"200": _json(_ref("Contribution"), "The contribution (blank before the first save)"),
                              **ERRORS}},
        "put": {"summary": "Save or submit a contribution (co-responsible department's liaison)",
                "parameters": [TASK_ID, PERIOD_ID],
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": _ref("ContributionWrite")}}},
                "responses": {"200": _json(_ref("Contribution"), "Saved"), **WRITE_ERRORS,
                              **_conflict("Contribution")}}},
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "tracker API", "version": "1",
                 "description": "督查督办系统的接口。令牌:`flask --app wsgi users token LOGIN` 或个人设置页。"
                                "权限与页面相同;看不到的事项返回 404。"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": SCHEMAS},
        "paths": PATHS,
    }
