"""Admin pages and CLI for departments (aliases, groups) and users."""
import sqlalchemy as sa

from tracker.audit.models import AuditEntry
from tracker.auth.models import Role, User
from tracker.departments.models import Department


def test_admin_creates_a_department_with_aliases(admin_client, db):
    response = admin_client.post_form(
        "/admin/departments/new",
        {"name": "市发展改革委", "short_name": "发改委", "aliases": "发展改革委、发展和改革委员会\n市发改委",
         "level": "city", "parent_id": 0, "is_active": "y"},
    )
    assert response.status_code == 302
    department = db.session.scalar(sa.select(Department).where(Department.name == "市发展改革委"))
    assert sorted(a.alias for a in department.aliases) == sorted(["发展改革委", "发展和改革委员会", "市发改委"])
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "department.created"))
    assert entry.after["name"] == "市发展改革委" and entry.actor_id is not None
    assert "发展和改革委员会" in admin_client.get("/admin/departments").get_data(as_text=True)


def test_alias_taken_by_another_department_is_refused(admin_client, make, db):
    make.department("市发展改革委", aliases=["发改委"])
    response = admin_client.post_form(
        "/admin/departments/new", {"name": "市财政局", "aliases": "发改委", "level": "city", "parent_id": 0}
    )
    assert response.status_code == 200
    assert "已被其他单位使用" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Department).where(Department.name == "市财政局")) is None


def test_admin_makes_a_group(admin_client, make, db):
    cities = [make.department(n) for n in ("南京市", "无锡市", "常州市", "苏州市", "镇江市")]
    response = admin_client.post_form(
        "/admin/departments/new",
        {"name": "苏南五市", "level": "other", "parent_id": 0, "is_group": "y", "member_ids": [c.id for c in cities]},
    )
    assert response.status_code == 302
    group = db.session.scalar(sa.select(Department).where(Department.name == "苏南五市"))
    assert group.is_group and {m.name for m in group.members} == {c.name for c in cities}


def test_admin_creates_a_user_with_roles(admin_client, make, db):
    science = make.department("市科技局")
    response = admin_client.post_form(
        "/admin/users/new",
        {"login": "kj.head", "name": "科技局负责人", "department_id": science.id, "roles": ["head", "liaison"],
         "password": "a-good-password", "is_active": "y"},
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.login == "kj.head"))
    assert user.roles == {Role.HEAD, Role.LIAISON} and user.department == science
    assert user.password_hash != "a-good-password"


def test_cli_creates_departments_users_and_tokens(runner, db):
    assert runner.invoke(args=["departments", "add", "市科技局", "--alias", "科技局、市科学技术局"]).exit_code == 0
    result = runner.invoke(
        args=["users", "create", "kj", "--name", "科技", "--password", "password-123", "--role", "liaison",
              "--department", "市科技局"]
    )
    assert result.exit_code == 0, result.output
    token = runner.invoke(args=["users", "token", "kj"]).output.strip()
    assert token.startswith("trk_")
    bad = runner.invoke(args=["users", "create", "x", "--name", "x", "--password", "p", "--role", "admin"])
    assert bad.exit_code != 0 and "密码至少" in bad.output
    bad = runner.invoke(args=["users", "create", "y", "--name", "y", "--password", "password-123", "--role",
                              "liaison", "--email", "y@科技局"])
    assert bad.exit_code != 0 and "电子邮箱无效" in bad.output
    assert db.session.scalar(sa.select(User).where(User.login == "y")) is None


def test_demo_prints_logins_and_each_can_log_in(runner, app):
    result = runner.invoke(args=["demo", "--password", "demo-password"])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.output.strip().splitlines()]
    roles = {role for _login, role, _dept in lines}
    assert {"admin", "office", "reviewer", "leader", "liaison", "head"} <= roles
    assert all(len(line) == 3 for line in lines)
    for login_name, _role, _department in lines:
        client = app.test_client()
        response = client.post_form("/login", {"login": login_name, "password": "demo-password"})
        assert response.status_code == 302, login_name


def test_an_email_address_mail_cannot_reach_is_refused_with_a_message_and_nothing_saved(admin_client, make, db):
    science = make.department("市科技局")
    form = {"login": "kj.lly", "name": "科技局联络员", "department_id": science.id, "roles": ["liaison"],
            "password": "a-good-password", "is_active": "y"}
    response = admin_client.post_form("/admin/users/new", form | {"email": "王联络@科技局"})
    assert response.status_code == 200
    assert "请填写有效的电子邮箱地址" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.login == "kj.lly")) is None

    assert admin_client.post_form("/admin/users/new", form | {"email": " lly@kjj.example.gov.cn "}).status_code == 302
    assert db.session.scalar(sa.select(User.email).where(User.login == "kj.lly")) == "lly@kjj.example.gov.cn"
