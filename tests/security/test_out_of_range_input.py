"""Numbers no database holds, and years no calendar has, get a 4xx with a message, never a 500; and when a
request does fail inside the database, the error page itself still renders (PostgreSQL refuses every
statement of a failed transaction until it is rolled back)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

HUGE = [2**31, 2**63, 2**64, 10**30]


@pytest.mark.parametrize("number", HUGE)
def test_ids_beyond_any_database_integer_are_404_on_pages(item, login_as, number):
    client = login_as(item.office)
    for url in (f"/tasks/{number}", f"/tasks/{item.task.id}/periods/{number}/report", f"/tasks/evidence/{number}",
                f"/plans/{number}/review", f"/inbox/webhooks/{number}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "找不到您要访问的页面或事项" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", HUGE)
def test_ids_beyond_any_database_integer_are_404_in_the_api(client, item, bearer, number):
    headers = bearer(item.liaison)
    for url in (f"/api/v1/tasks/{number}", f"/api/v1/tasks/{item.task.id}/reports/{number}",
                f"/api/v1/evidence/{number}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404 and response.json["message"], url


@pytest.mark.parametrize("number", HUGE)
def test_page_numbers_and_filters_beyond_any_integer_are_ignored(item, login_as, client, bearer, number):
    """Pages: as any filter the list does not understand, the first page unfiltered. The API, whose
    description states the bounds, answers 400 naming the parameter, and never 500."""
    office = login_as(item.office)
    for url in (f"/tasks/?page={number}", f"/tasks/?plan={number}&department={number}",
                f"/reports/preview?department={number}"):
        assert office.get(url).status_code in (200, 302), url
    assert login_as(item.liaison).get(f"/?page={number}").status_code == 200
    listed = client.get(f"/api/v1/tasks?page={number}&plan={number}", headers=bearer(item.liaison))
    assert listed.status_code == 400 and listed.json["field"] in ("page", "plan") and listed.json["message"]


@pytest.mark.parametrize("year", ["99999", "-1", "10000", "1800"])
def test_a_calendar_year_out_of_range_is_a_400_with_a_message(admin_client, year):
    response = admin_client.get(f"/admin/calendar?year={year}")
    assert response.status_code == 400
    assert "年份应在 1949 到 2100 之间" in response.get_data(as_text=True)


def test_the_error_page_survives_a_failed_database_transaction(app, db, item, login_as):
    @app.get("/_probe/broken")
    def broken():
        db.session.execute(sa.text("SELECT * FROM no_such_table"))

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = login_as(item.liaison).get("/_probe/broken")
    page = response.get_data(as_text=True)
    # The site's own page (with the user's menu), not the server's bare one.
    assert response.status_code == 500 and "系统内部错误" in page and "退出" in page
