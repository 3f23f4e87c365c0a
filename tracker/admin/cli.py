"""`flask users …` and `flask departments …`: the admin pages' work from the command line."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from tracker.auth import services as auth_services
from tracker.auth.models import Role, User
from tracker.departments.models import Department, DepartmentLevel
from tracker.departments.services import DepartmentNameTaken, save_department, split_aliases
from tracker.extensions import db

users_cli = click.Group("users", help="管理用户 / Manage users.")
departments_cli = click.Group("departments", help="管理单位 / Manage departments.")


def _department_named(name: str | None) -> Department | None:
    if not name:
        return None
    department = db.session.scalar(sa.select(Department).where(Department.name == name))
    if department is None:
        raise click.ClickException(f"单位不存在: {name}")
    return department


def _user_named(login: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.login == login))
    if user is None:
        raise click.ClickException(f"用户不存在: {login}")
    return user


@users_cli.command("create")
@click.argument("login")
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]), required=True)
@click.option("--department")
@click.option("--email")
@with_appcontext
def create_user(login, name, password, roles, department, email):
    """Create a user with one or more roles."""
    if db.session.scalar(sa.select(User).where(User.login == login)):
        raise click.ClickException(f"账号已存在: {login}")
    try:
        auth_services.create_user(
            login, name, password, roles=[Role(r) for r in roles], department=_department_named(department), email=email
        )
    except auth_services.InvalidEmail:
        raise click.ClickException(f"电子邮箱无效(不能含中文、空格,须有一个 @): {email}") from None
    except auth_services.PasswordTooShort:
        raise click.ClickException(f"密码至少 {auth_services.MIN_PASSWORD_LENGTH} 位") from None
    db.session.commit()
    click.echo(f"created {login}")


@users_cli.command("token")
@click.argument("login")
@click.option("--name", default="cli")
@with_appcontext
def create_token(login, name):
    """Print a new API token for LOGIN (shown once; only its hash is kept)."""
    token = auth_services.issue_token(_user_named(login), name)
    db.session.commit()
    click.echo(token)


@users_cli.command("set-password")
@click.argument("login")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def set_password(login, password):
    """Set LOGIN's password and end the user's sessions."""
    try:
        auth_services.change_password(_user_named(login), password)
    except auth_services.PasswordTooShort:
        raise click.ClickException(f"密码至少 {auth_services.MIN_PASSWORD_LENGTH} 位") from None
    db.session.commit()


@users_cli.command("list")
@with_appcontext
def list_users():
    for user in db.session.scalars(sa.select(User).order_by(User.login)):
        department = user.department.name if user.department else ""
        click.echo("\t".join([user.login, ",".join(sorted(user.roles)), department]))


@departments_cli.command("add")
@click.argument("name")
@click.option("--short-name")
@click.option("--alias", "aliases", multiple=True, help="别名, repeatable or separated by 、")
@click.option("--level", type=click.Choice([lv.value for lv in DepartmentLevel]), default="other")
@click.option("--member", "members", multiple=True, help="makes NAME a group of these departments")
@with_appcontext
def add_department(name, short_name, aliases, level, members):
    """Create a department (or, with --member, a group of departments)."""
    try:
        save_department(
            None,
            name=name,
            short_name=short_name,
            level=DepartmentLevel(level),
            aliases=[a for text in aliases for a in split_aliases(text)],
            is_group=bool(members),
            members=[_department_named(m) for m in members],
        )
    except DepartmentNameTaken as taken:
        raise click.ClickException(f"名称已被使用: {taken}") from None
    db.session.commit()
    click.echo(f"created {name}")


@departments_cli.command("list")
@with_appcontext
def list_departments():
    for department in db.session.scalars(sa.select(Department).order_by(Department.name)):
        aliases = "、".join(a.alias for a in department.aliases)
        members = "、".join(m.name for m in department.members)
        click.echo("\t".join([department.name, department.level, aliases, members]))
