"""What a client can send wrong gets a 4xx with a message naming the culprit, in the one error shape, and
nothing is stored: each case Schemathesis found (issue 26) and the API bodies of issue 20's finding 9."""
from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator

from tests.tasks.conftest import PDF
from tracker.api.openapi import PATHS, openapi_document
from tracker.tasks.models import Contribution, Evidence, ProgressReport


def _report_url(item) -> str:
    return f"/api/v1/tasks/{item.task.id}/reports/{item.period.id}"


def _is_error(response, status: int, field: str | None = None) -> bool:
    """The answer has the status and the document's Error shape (naming `field` when given)."""
    document = openapi_document()
    schema = {"$ref": "#/components/schemas/Error", "components": document["components"]}
    Draft202012Validator(schema).validate(response.json)
    return response.status_code == status and response.json.get("field") == field


def _nothing_saved(db) -> bool:
    return db.session.scalar(sa.select(sa.func.count(ProgressReport.id))) == 0


# ---- the query string -----------------------------------------------------------------------------------


def test_a_query_parameter_given_twice_is_400(client, item, bearer):
    for query in ("plan=null&plan=null", "page=1&page=2", "light=red&light=red"):
        response = client.get(f"/api/v1/tasks?{query}", headers=bearer(item.office))
        assert _is_error(response, 400, query.partition("=")[0]), query
        assert "只能给一次" in response.json["message"]


def test_numbers_beyond_the_bounds_in_the_query_are_400(client, item, bearer):
    headers = bearer(item.office)
    for name, value in (("page", "486952711456219856896"), ("department", "-6963287141"),
                        ("plan", str(2**31)), ("department", str(2**63)), ("page", "100001"), ("per_page", "201"),
                        ("page", "0"), ("per_page", "0"), ("plan", "9" * 5000)):
        response = client.get(f"/api/v1/tasks?{name}={value}&period=2025-03", headers=headers)
        assert _is_error(response, 400, name), (name, value[:30])


def test_query_values_the_description_does_not_allow_are_400(client, item, bearer):
    headers = bearer(item.office)
    for name, value in (("plan", "false"), ("page", "1.5"), ("status", "done"), ("light", "blue"),
                        ("report", "lost"), ("period", ""), ("period", "x" * 21), ("period", "2025%0003")):
        response = client.get(f"/api/v1/tasks?{name}={value}", headers=headers)
        assert _is_error(response, 400, name), (name, value)
        assert name in response.json["message"]


def test_the_query_takes_what_the_description_allows(client, item, bearer):
    query = f"plan={item.plan.id}&department={item.lead.id}&status=unreported&light=green&period=2025-03" \
            "&report=missing&page=1&per_page=200"
    response = client.get(f"/api/v1/tasks?{query}", headers=bearer(item.office))
    assert response.status_code == 200 and response.json["total"] == 1
    assert client.get("/api/v1/tasks?page=2.0&per_page=1", headers=bearer(item.office)).json["page"] == 2


def test_ids_beyond_the_database_integer_in_a_path_are_404(client, item, bearer):
    headers = bearer(item.co_liaison)
    huge = "1" + "0" * 27
    for method, url in (("put", f"/api/v1/tasks/{item.task.id}/contributions/{huge}"),
                        ("get", f"/api/v1/tasks/{2**31}"), ("get", f"/api/v1/evidence/{huge}"),
                        ("get", f"/api/v1/tasks/{item.task.id}/reports/{2**63 - 2}"),
                        ("post", f"/api/v1/tasks/{huge}/reports/{item.period.id}/submit")):
        response = getattr(client, method)(url, headers=headers, json={"version": 0, "narrative": "x"})
        assert _is_error(response, 404), url
    assert client.get(f"/api/v1/tasks/{2**31 - 1}", headers=headers).status_code == 404


# ---- JSON bodies ----------------------------------------------------------------------------------------


def test_unexpected_nested_properties_are_400_and_save_nothing(client, db, item, bearer):
    headers = bearer(item.liaison)
    for body, field in (
        ({"version": 0, "target_values": [{"target_id": item.target.id, "value": 5, "unit": {"x": [1]}}]},
         "target_values[0].unit"),
        ({"version": 0, "progress_status": {"nested": {"deeper": []}}}, "progress_status"),
        ({"version": 0, "narrative": ["已认定", {"家": 1010}]}, "narrative"),
        ({"version": {"value": 0}}, "version"),
        ({"version": 0, "target_values": [[{"target_id": item.target.id}]]}, "target_values[0]"),
    ):
        response = client.put(_report_url(item), headers=headers, json=body)
        assert _is_error(response, 400, field), body
    assert _nothing_saved(db)


def test_a_property_the_schema_does_not_list_is_refused_as_the_document_says(client, db, item, bearer):
    schemas = openapi_document()["components"]["schemas"]
    assert all(schemas[name]["additionalProperties"] is False
               for name in ("ReportWrite", "VersionOnly", "ContributionWrite", "TargetValue", "EvidenceUpload"))
    response = client.put(_report_url(item), headers=bearer(item.liaison), json={"version": 0, "narative": "错字"})
    assert _is_error(response, 400, "narative") and "narrative" in response.json["message"]
    contribution = client.put(f"/api/v1/tasks/{item.task.id}/contributions/{item.period.id}",
                              headers=bearer(item.co_liaison), json={"version": 0, "narrative": "x", "send": True})
    assert _is_error(contribution, 400, "send")
    assert _nothing_saved(db) and db.session.scalar(sa.select(sa.func.count(Contribution.id))) == 0


def test_integer_valued_numbers_count_as_integers(client, db, item, bearer):
    headers = bearer(item.liaison)
    saved = client.put(_report_url(item), headers=headers, json={
        "version": 0.0, "progress_status": "in_progress", "percent_complete": 84.0, "narrative": "已认定1010家",
        "target_values": [{"target_id": float(item.target.id), "value": 1010}]})
    assert saved.status_code == 200, saved.json
    assert (saved.json["version"], saved.json["percent_complete"]) == (1, 84)
    assert client.post(_report_url(item) + "/submit", headers=headers, json={"version": 1.0}).status_code == 200
    fraction = client.put(_report_url(item), headers=headers, json={"version": 350.5})
    assert _is_error(fraction, 400, "version") and "整数" in fraction.json["message"]


def test_numbers_beyond_the_bounds_in_a_body_are_400_and_save_nothing(client, db, item, bearer):
    headers = bearer(item.liaison)
    for body, field in (({"version": 10**28}, "version"), ({"version": -1}, "version"),
                        ({"version": 0, "percent_complete": 1e300}, "percent_complete"),
                        ({"version": 0, "percent_complete": 120}, "percent_complete"),
                        ({"version": 0, "target_values": [{"target_id": 2**31, "value": 1}]},
                         "target_values[0].target_id"),
                        ({"version": 0, "target_values": [{"target_id": item.target.id, "value": 1e16}]},
                         "target_values[0].value"),
                        ({"version": 0, "target_values": [{"target_id": item.target.id, "value": -1}]},
                         "target_values[0].value")):
        response = client.put(_report_url(item), headers=headers, json=body)
        assert _is_error(response, 400, field), body
    too_long = client.put(_report_url(item), headers=headers, json={"version": 0, "narrative": "字" * 20001})
    assert _is_error(too_long, 400, "narrative") and "20000" in too_long.json["message"]
    digits = client.put(_report_url(item), headers=headers, data='{"version": ' + "9" * 5000 + "}",
                        content_type="application/json")
    assert _is_error(digits, 400)
    assert _nothing_saved(db)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e309", "-1e309"])
def test_nan_and_infinity_are_400_and_nothing_is_stored(client, db, item, bearer, number):
    headers = bearer(item.liaison)
    body = f'{{"version": 0, "target_values": [{{"target_id": {item.target.id}, "value": {number}}}]}}'
    response = client.put(_report_url(item), headers=headers, data=body, content_type="application/json")
    assert _is_error(response, 400) and number.lstrip("-") in response.json["message"]
    assert _nothing_saved(db)
    # What the API sends back stays standard JSON.
    json.loads(client.get(_report_url(item), headers=headers).get_data(as_text=True),
               parse_constant=lambda name: pytest.fail(f"{name} in the answer"))


def test_json_nested_100000_deep_is_400(client, db, item, bearer):
    headers = bearer(item.liaison)
    deep = "[" * 100_000 + "]" * 100_000
    for body in (deep, f'{{"version": 0, "narrative": {deep}}}', '{"version": 0, "x": ' + '{"a": ' * 100_000
                 + "1" + "}" * 100_001):
        response = client.put(_report_url(item), headers=headers, data=body, content_type="application/json")
        assert _is_error(response, 400) and "嵌套过深" in response.json["message"]
    assert _nothing_saved(db)


def test_a_body_that_is_not_json_is_400_and_another_media_type_415(client, db, item, bearer):
    headers = bearer(item.liaison)
    for data in ("not json", '{"version": 0', b"\xff\xfe{}"):
        response = client.put(_report_url(item), headers=headers, data=data, content_type="application/json")
        assert _is_error(response, 400), data
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        response = client.put(_report_url(item), headers=headers, data='{"version": 0}', content_type=content_type)
        assert _is_error(response, 415) and "application/json" in response.json["message"], content_type
    assert _is_error(client.put(_report_url(item), headers=headers, json=[{"version": 0}]), 400)
    assert _nothing_saved(db)


def test_nul_in_text_is_400_on_every_engine(client, db, item, bearer):
    response = client.put(_report_url(item), headers=bearer(item.liaison), json={"version": 0, "narrative": "a\x00b"})
    assert _is_error(response, 400, "narrative") and "NUL" in response.json["message"]
    assert _nothing_saved(db)


def test_a_body_over_the_size_limit_is_413(app, client, db, item, bearer):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.put(_report_url(item), headers=bearer(item.liaison), json={"version": 0, "narrative": "字" * 500})
    assert _is_error(response, 413)
    assert _nothing_saved(db)


# ---- evidence uploads -----------------------------------------------------------------------------------


def test_evidence_before_the_report_is_saved_is_the_documented_422(client, db, item, bearer):
    documented = PATHS["/tasks/{task_id}/reports/{period_id}/evidence"]["post"]["responses"]["422"]["description"]
    assert "evidence before the report was first saved" in documented
    response = client.post(_report_url(item) + "/evidence", headers=bearer(item.liaison),
                           data={"file": (io.BytesIO(PDF), "名单.pdf")}, content_type="multipart/form-data")
    assert _is_error(response, 422) and "请先保存本期报送" in response.json["message"]
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0


def test_an_upload_the_description_does_not_allow_is_400_or_415(client, db, item, bearer):
    headers = bearer(item.liaison)
    client.put(_report_url(item), headers=headers, json={"version": 0, "narrative": "附名单"})
    url = _report_url(item) + "/evidence"
    for data, field in (({}, "file"), ({"file": "名单"}, "file"),
                        ({"file": (io.BytesIO(PDF), "名单.pdf"), "note": "x"}, "note"),
                        ({"file": [(io.BytesIO(PDF), f"{n}.pdf") for n in range(11)]}, "file")):
        response = client.post(url, headers=headers, data=data, content_type="multipart/form-data")
        assert _is_error(response, 400, field), data
    assert _is_error(client.post(url, headers=headers, json={"file": "x"}), 415)
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0


# ---- methods --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(PATHS))
def test_an_undeclared_method_is_405_with_allow(client, item, bearer, path):
    url = "/api/v1" + path.replace("{task_id}", str(item.task.id)).replace("{period_id}", str(item.period.id)) \
        .replace("{evidence_id}", "1").replace("{notice_id}", "1")
    documented = {method.upper() for method in PATHS[path]}
    for method in ("TRACE", "DELETE", "PATCH"):
        response = client.open(url, method=method, headers=bearer(item.liaison))
        assert _is_error(response, 405), (method, path)
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert documented <= allowed <= documented | {"HEAD", "OPTIONS"}, (path, allowed)
