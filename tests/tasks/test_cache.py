"""The pages' cache: a page is kept until the next write to what it shows, never longer, whoever writes;
writers of different departments bump different rows, so none queues on another's."""
from __future__ import annotations

import sqlalchemy as sa

from tests.tasks.conftest import NOW
from tracker import create_app
from tracker.auth.services import issue_token
from tracker.core.cache import GENERATION
from tracker.core.models import DataGeneration
from tracker.tasks import lights, reporting
from tracker.tasks.models import Light, ProgressStatus, Task
from tracker.tasks.reporting import ReportInput


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _generation(db, name=GENERATION) -> int:
    return db.session.scalar(sa.select(DataGeneration.value).where(DataGeneration.name == name)) or 0


def _versions(db) -> dict[str, int]:
    return dict(db.session.execute(sa.select(DataGeneration.name, DataGeneration.value)
                                   .where(DataGeneration.name.startswith(GENERATION))).all())


def _statements(db, request) -> int:
    """How many SQL statements `request` issued: a kept page reads the session's user and the versions only."""
    issued = []

    def count(*_args):
        issued.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        request()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(issued)


def _file_report(db, item, status=ProgressStatus.LAGGING) -> None:
    reporting.save_report(item.task, item.period, ReportInput(progress_status=status, narrative="进度滞后"),
                          by=item.liaison, expected_version=0, now=NOW)
    reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=1, now=NOW)
    db.session.commit()


def test_overview_and_api_show_a_report_filed_after_they_were_cached(db, item, login_as, client):
    office = login_as(item.office)
    token = issue_token(item.office, "cache")
    db.session.commit()
    api = {"Authorization": f"Bearer {token}"}
    assert ">滞后</td>" not in _text(office.get("/tasks/"))
    assert client.get("/api/v1/tasks", headers=api).get_json()["items"][0]["progress_status"] is None
    _file_report(db, item)
    assert ">滞后</td>" in _text(office.get("/tasks/"))
    assert client.get("/api/v1/tasks", headers=api).get_json()["items"][0]["progress_status"] == "lagging"


def test_department_page_drops_what_is_due_once_filed(db, item, login_as):
    liaison = login_as(item.liaison)
    assert "2025-03 进展报送" in _text(liaison.get("/"))
    _file_report(db, item, ProgressStatus.IN_PROGRESS)
    assert "2025-03 进展报送" not in _text(liaison.get("/"))


def test_a_light_changed_by_a_bulk_update_is_shown(db, make, item, login_as):
    """The light refresh writes with one UPDATE statement, not through objects: it must empty the cache too."""
    office = login_as(item.office)
    assert "light-red" not in _text(office.get("/tasks/"))
    before = _versions(db)
    # The 2025-03 report, due on 2025-03-25, is missing a month later: red.
    assert lights.refresh_lights(NOW.replace(month=4)) == 1
    db.session.commit()
    assert _versions(db) != before
    assert db.session.get(Task, item.task.id).light == Light.RED
    assert "light-red" in _text(office.get("/tasks/"))


def test_a_write_by_another_process_is_seen(db, item, login_as, app):
    """The scheduler and the CLI run in processes of their own: the counter is in the database, not in memory."""
    office = login_as(item.office)
    assert "另一进程改的标题" not in _text(office.get("/tasks/"))
    # Read before the other app's context: the test's own objects must not load through its engine.
    task_id = item.task.id
    other = create_app(dict(app.config))
    with other.app_context():
        task = db.session.get(Task, task_id)
        task.title = "另一进程改的标题"
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    assert "另一进程改的标题" in _text(office.get("/tasks/"))


def test_only_writes_to_what_the_pages_show_move_the_generation(db, item):
    before = _versions(db)
    issue_token(item.office, "not shown on any cached page")
    db.session.commit()
    assert _versions(db) == before
    db.session.get(Task, item.task.id).title = "改了又撤销"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert _versions(db) == before
    db.session.get(Task, item.task.id).title = "改了"  # a script's write, not in the audit log: seen all the same
    db.session.commit()
    moved = _versions(db)
    assert {name for name in moved if moved[name] != before.get(name)} == {
        f"{GENERATION}:{item.lead.id}", f"{GENERATION}:{item.co.id}"}
    item.stranger.department.name = "市教育厅"  # what no item holds: every page
    db.session.commit()
    assert _generation(db) == moved.get(GENERATION, 0) + 1


def test_a_report_moves_only_its_departments_rows_and_pages(db, item, login_as):
    """A liaison's report bumps the rows of the item's lead and co-departments, not the one every writer would
    queue on; a third department's cached page is kept, the overview is computed afresh."""
    stranger = login_as(item.stranger)
    _text(stranger.get("/"))
    kept = _statements(db, lambda: _text(stranger.get("/")))
    before = _versions(db)
    _file_report(db, item, ProgressStatus.IN_PROGRESS)
    after = _versions(db)
    assert after.get(GENERATION) == before.get(GENERATION)
    assert {name for name in after if after[name] != before.get(name)} == {
        f"{GENERATION}:{item.lead.id}", f"{GENERATION}:{item.co.id}"}
    assert _statements(db, lambda: _text(stranger.get("/"))) == kept
    assert ">推进中</td>" in _text(login_as(item.office).get("/tasks/"))


def test_each_department_and_each_role_gets_its_own_page(db, item, login_as):
    _file_report(db, item, ProgressStatus.IN_PROGRESS)
    liaison_page = _text(login_as(item.liaison).get("/"))
    co_page = _text(login_as(item.co_liaison).get("/"))
    stranger_page = _text(login_as(item.stranger).get("/"))
    assert "培育高新技术企业" in liaison_page and "培育高新技术企业" in co_page
    assert "培育高新技术企业" not in stranger_page
    assert "培育高新技术企业" not in _text(login_as(item.stranger).get("/tasks/"))
    assert "培育高新技术企业" in _text(login_as(item.office).get("/tasks/"))
