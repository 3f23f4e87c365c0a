"""openapi.json is a valid OpenAPI 3.1 document that tells the truth: every route is in it, every constraint
it states the server enforces, its examples are accepted, and its links lead through the workflow."""
from __future__ import annotations

import io

from openapi_spec_validator import validate

from tests.tasks.conftest import PDF
from tracker.api.openapi import LIST_TASKS_PARAMETERS, PATHS, openapi_document

OPERATIONS = {op["operationId"]: (path, method, op) for path, methods in PATHS.items()
              for method, op in methods.items()}
SCHEMAS = openapi_document()["components"]["schemas"]


def _url(path: str, **values) -> str:
    return "/api/v1" + path.format(**values)


def test_openapi_is_a_valid_openapi_3_1_document(client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_openapi_matches_the_routes(app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi":
            continue
        path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
        routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == {(path, method) for path, methods in paths.items() for method in methods}


def _violations(schema: dict, *, text_only: bool = False):
    """(value, why) pairs that break `schema` in one way each, as the document states it (in a query string,
    where every value is text, no type but the text's own)."""
    if "maximum" in schema:
        yield schema["maximum"] + 1, "maximum"
    if "minimum" in schema:
        yield schema["minimum"] - 1, "minimum"
    if "enum" in schema:
        yield "not-one-of-them", "enum"
    if "maxLength" in schema:
        yield "字" * (schema["maxLength"] + 1), "maxLength"
    if "pattern" in schema:
        yield "a\x00b", "pattern"
    if not text_only and schema.get("type") in ("boolean", "string", ["string", "null"]):
        yield 7, "type"


def _write_requests(item):
    """(headers' owner, method, url, the body's schema name) of every JSON write, on a record its owner may write."""
    keys = {"task_id": item.task.id, "period_id": item.period.id}
    for operation_id, owner in (("saveReport", item.liaison), ("submitReport", item.liaison),
                                ("saveContribution", item.co_liaison)):
        path, method, op = OPERATIONS[operation_id]
        ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        yield owner, method, _url(path, **keys), ref.rsplit("/", 1)[1]


def test_every_constraint_the_document_states_is_enforced(client, item, bearer):
    for owner, method, url, name in _write_requests(item):
        schema = SCHEMAS[name]
        assert schema["additionalProperties"] is False and schema["required"] == ["version"]
        for field, property_schema in schema["properties"].items():
            for value, why in _violations(property_schema):
                response = client.open(url, method=method, headers=bearer(owner), json={"version": 0, field: value})
                assert (response.status_code, response.json.get("field")) == (400, field), (name, field, why)
        unknown = client.open(url, method=method, headers=bearer(owner), json={"version": 0, "extra": 1})
        assert (unknown.status_code, unknown.json["field"]) == (400, "extra"), name
    for parameter in LIST_TASKS_PARAMETERS:
        for value, why in _violations(parameter["schema"], text_only=True):
            response = client.get("/api/v1/tasks", query_string={parameter["name"]: value},
                                  headers=bearer(item.office))
            assert (response.status_code, response.json.get("field")) == (400, parameter["name"]), why


def test_the_documents_examples_are_well_formed_requests(client, item, bearer):
    for owner, method, url, name in _write_requests(item):
        example = SCHEMAS[name]["examples"][0] | {"version": 0}
        if name == "ReportWrite":
            example["target_values"] = [{"target_id": item.target.id, "value": 1010}]
        response = client.open(url, method=method, headers=bearer(owner), json=example)
        assert response.status_code not in (400, 415), (name, response.json)


def _evaluate(expression, body):
    """A link's runtime expression (`$response.body#/a/0/b`), or a dict of them, applied to a response body."""
    if isinstance(expression, dict):
        return {key: _evaluate(value, body) for key, value in expression.items()}
    value = body
    for part in expression.removeprefix("$response.body#/").split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def _follow(client, headers, response, source: str, link: str, body: dict | None = None, **kwargs):
    """Take the link `link` of operation `source`'s answer, as a client generated from the document would."""
    status = str(response.status_code)
    definition = OPERATIONS[source][2]["responses"][status]["links"][link]
    path, method, _op = OPERATIONS[definition["operationId"]]
    url = _url(path, **_evaluate(definition.get("parameters", {}), response.json))
    if "requestBody" in definition or body is not None:
        kwargs["json"] = _evaluate(definition.get("requestBody", {}), response.json) | (body or {})
    return client.open(url, method=method, headers=headers, **kwargs)


def test_the_links_lead_from_the_task_list_to_a_report_its_evidence_and_its_submission(client, item, bearer):
    headers = bearer(item.liaison)
    listed = client.get("/api/v1/tasks", headers=headers)
    task = _follow(client, headers, listed, "listTasks", "GetTask")
    assert task.status_code == 200 and task.json["id"] == item.task.id
    report = _follow(client, headers, task, "getTask", "GetReportLast")
    assert report.status_code == 200 and report.json["version"] == 0
    saved = _follow(client, headers, report, "getReport", "SaveReport",
                    {"progress_status": "in_progress", "narrative": "已认定1010家"})
    assert saved.status_code == 200, saved.json
    evidence = _follow(client, headers, saved, "saveReport", "AttachEvidence",
                       data={"file": (io.BytesIO(PDF), "名单.pdf")}, content_type="multipart/form-data")
    assert evidence.status_code == 201
    with _follow(client, headers, evidence, "attachEvidence", "GetEvidence") as download:
        assert download.status_code == 200 and download.data == PDF
    submitted = _follow(client, headers, saved, "saveReport", "SubmitReport")
    assert submitted.status_code == 200 and submitted.json["state"] == "submitted"
    again = _follow(client, headers, submitted, "submitReport", "GetReport")
    assert again.json["state"] == "submitted" and again.json["evidence"][0]["name"] == "名单.pdf"


def test_the_links_lead_a_co_department_to_its_contribution(client, item, bearer):
    headers = bearer(item.co_liaison)
    task = client.get(f"/api/v1/tasks/{item.task.id}", headers=headers)
    contribution = _follow(client, headers, task, "getTask", "GetContributionLast")
    assert contribution.status_code == 200 and contribution.json["version"] == 0
    saved = _follow(client, headers, contribution, "getContribution", "SaveContribution",
                    {"narrative": "已拨付资金", "submit": True})
    assert saved.status_code == 200 and saved.json["state"] == "submitted"
