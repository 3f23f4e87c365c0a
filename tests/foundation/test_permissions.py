"""One place decides who may do what; pages obey it."""
import pytest

from tracker.tasks.permissions import Action, can, visible_tasks


@pytest.fixture
def two_departments(make):
    science, finance = make.department("市科技局"), make.department("市财政局")
    plan = make.plan()
    science_task = make.task(plan, lead=science, co=[finance])
    finance_task = make.task(plan, lead=finance)
    return science, finance, science_task, finance_task


def test_liaison_sees_only_his_departments_items(make, db, two_departments):
    science, finance, science_task, finance_task = two_departments
    liaison = make.liaison(science)
    visible = db.session.scalars(visible_tasks(liaison)).all()
    assert visible == [science_task]
    assert can(liaison, Action.VIEW_TASK, science_task)
    assert not can(liaison, Action.VIEW_TASK, finance_task)


def test_co_responsible_liaison_may_contribute_but_not_report(make, two_departments):
    science, finance, science_task, finance_task = two_departments
    finance_liaison = make.liaison(finance)
    assert can(finance_liaison, Action.VIEW_TASK, science_task)
    assert can(finance_liaison, Action.CONTRIBUTE, science_task)
    assert not can(finance_liaison, Action.REPORT, science_task)
    assert can(finance_liaison, Action.REPORT, finance_task)


def test_overseers_see_everything_but_only_office_manages(make, db, two_departments, office, reviewer, leader):
    for user in (office, reviewer, leader):
        assert len(db.session.scalars(visible_tasks(user)).all()) == 2
    assert can(office, Action.MANAGE_PLANS)
    assert not can(leader, Action.MANAGE_PLANS)
    assert not can(reviewer, Action.REPORT, two_departments[2])
    assert can(reviewer, Action.REVIEW)


def test_user_without_department_sees_nothing(make, db, two_departments):
    stray = make.user(roles=["liaison"])
    assert db.session.scalars(visible_tasks(stray)).all() == []


def test_liaison_gets_404_on_another_departments_item_page(make, login_as, two_departments):
    """As for an item that does not exist: ids cannot be counted by the answer."""
    science, _finance, science_task, finance_task = two_departments
    client = login_as(make.liaison(science))
    assert client.get(f"/tasks/{science_task.id}").status_code == 200
    response = client.get(f"/tasks/{finance_task.id}")
    assert response.status_code == 404
    assert finance_task.title not in response.get_data(as_text=True)


def test_non_admin_gets_403_on_admin_pages_and_posts(office_client, db):
    from tracker.departments.models import Department

    assert office_client.get("/admin/departments").status_code == 403
    response = office_client.post_form("/admin/departments/new", {"name": "偷建的局", "level": "city", "parent_id": 0})
    assert response.status_code == 403
    assert db.session.query(Department).filter_by(name="偷建的局").count() == 0


def test_inactive_user_cannot_log_in(client, make, db):
    user = make.user()
    user.is_active = False
    db.session.commit()
    response = client.post_form("/login", {"login": user.login, "password": "correct-horse-9"})
    assert response.status_code == 200 and "账号或密码错误" in response.get_data(as_text=True)
