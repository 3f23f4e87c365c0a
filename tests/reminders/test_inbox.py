"""The inbox: unread count in the page header, marking one or all read, only one's own notices."""
from __future__ import annotations

import re

import pytest

from tests.reminders.outbox_support import make_notification
from tracker.reminders.models import Notification


@pytest.fixture
def liaison(make):
    return make.liaison(make.department("市科技局"), "kjj_lly", name="王联络")


def unread_badge(page: str) -> int | None:
    match = re.search(r'data-testid="unread-count">(\d+)<', page)
    return int(match.group(1)) if match else None


def test_header_shows_the_unread_count_and_marking_read_lowers_it(db, make, login_as, liaison):
    task = make.task(title="培育高新技术企业")
    first, _second = make_notification(db, liaison, task=task), make_notification(db, liaison, step_key="late-3")
    client = login_as(liaison)
    page = client.get("/inbox/").get_data(as_text=True)
    assert unread_badge(page) == 2
    assert "“培育高新技术企业”进展未报送" in page

    response = client.post_form(f"/inbox/{first.id}/read")
    assert response.status_code == 302
    assert unread_badge(client.get("/inbox/").get_data(as_text=True)) == 1
    db.session.expire_all()
    assert db.session.get(Notification, first.id).read_at is not None


def test_beyond_99_unread_the_badge_says_99_plus(db, make, login_as, liaison):
    for index in range(100):
        make_notification(db, liaison, subject_key=f"report:{index}:0", commit=False)
    db.session.commit()
    client = login_as(liaison)
    assert 'data-testid="unread-count">99+<' in client.get("/inbox/").get_data(as_text=True)
    client.post_form("/inbox/read-all")
    make_notification(db, liaison, subject_key="report:new:0")
    assert unread_badge(client.get("/inbox/").get_data(as_text=True)) == 1


def test_mark_all_read_clears_the_badge_and_touches_only_ones_own(db, make, login_as, liaison):
    other = make.liaison(make.department("市财政局"), "czj_lly")
    for step in ("due-0", "late-1", "late-3"):
        make_notification(db, liaison, step_key=step)
    theirs = make_notification(db, other)
    client = login_as(liaison)
    response = client.post_form("/inbox/read-all", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已将 3 条消息标为已读" in page
    assert unread_badge(page) is None
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None
    assert unread_badge(login_as(other).get("/inbox/").get_data(as_text=True)) == 1


def test_a_user_cannot_mark_anothers_notice_read(db, make, login_as, liaison):
    other = make.liaison(make.department("市财政局"), "czj_lly")
    theirs = make_notification(db, other)
    response = login_as(liaison).post_form(f"/inbox/{theirs.id}/read")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_marking_read_needs_the_csrf_token(db, login_as, liaison):
    notice = make_notification(db, liaison)
    client = login_as(liaison)
    assert client.post(f"/inbox/{notice.id}/read").status_code == 400
    assert client.post("/inbox/read-all").status_code == 400
    db.session.expire_all()
    assert db.session.get(Notification, notice.id).read_at is None


def test_the_inbox_shows_only_ones_own_notices(db, make, login_as, liaison):
    other = make.liaison(make.department("市财政局"), "czj_lly")
    make_notification(db, other, task=make.task(title="别人的任务"))
    page = login_as(liaison).get("/inbox/").get_data(as_text=True)
    assert "别人的任务" not in page and "没有消息" in page


def test_opening_a_notice_reads_it_and_leads_to_its_item(db, make, login_as, liaison):
    task = make.task(title="培育高新技术企业")
    notice = make_notification(db, liaison, task=task)
    client = login_as(liaison)
    response = client.post_form(f"/inbox/{notice.id}/open")
    assert response.status_code == 302 and response.location == f"/tasks/{task.id}"
    db.session.expire_all()
    assert db.session.get(Notification, notice.id).read_at is not None


def test_a_notice_never_leads_off_the_site(db, make, login_as, liaison):
    notice = make_notification(db, liaison, task=make.task())
    notice.link = "//evil.example.com/phish"
    db.session.commit()
    response = login_as(liaison).post_form(f"/inbox/{notice.id}/open")
    assert response.location == "/inbox/"
