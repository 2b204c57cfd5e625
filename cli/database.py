"""Commands that set up the database: init-db, create-user, demo-data."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation.errors import RuleViolation
from mediation.reference import accounts
from mediation.reference.calendar import load_official_days, official_years
from mediation.reference.districts import load_reference_data
from models.db import upgrade
from seed import data, demo, people
from views.db import database


def _session():
    return database().session_factory()


@click.command("init-db")
@with_appcontext
def init_db():
    """Upgrade the schema to head, then load districts, centres and the official holiday
    calendar (idempotent: only what is missing is added)."""
    upgrade(current_app.config["DATABASE_URL"])
    with _session() as session:
        added = load_reference_data(session)
        loaded = load_official_days(session)
        session.commit()
    click.echo(
        f"数据库已升级到最新版本；新增区 {added['districts']} 个、调解中心 {added['centres']} 个。"
    )
    click.echo(f"节假日日历（国务院办公厅{official_years()}年安排）：{loaded.text}。")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option(
    "--role",
    required=True,
    help="mediator, lawyer, centre_supervisor, district_supervisor, city_supervisor or admin",
)
@click.option("--centre", "centre_code", help="centre code, e.g. NH-LS")
@click.option("--district", "district_code", help="district code, e.g. NH")
@click.option("--name", "display_name", default="", help="显示名")
def create_user(username, role, centre_code, district_code, display_name):
    """Create a user; the password is prompted for (or read from standard input)."""
    with _session() as session:
        try:  # check role and scope before asking for a password
            accounts.resolve_scope(session, role, centre_code, district_code)
        except RuleViolation as violation:
            raise click.ClickException(str(violation)) from None
        if sys.stdin.isatty():
            password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        try:
            user = accounts.create_user(
                session, username, password, role, centre_code, district_code, display_name
            )
        except RuleViolation as violation:
            raise click.ClickException(str(violation)) from None
        session.commit()
        click.echo(f"已创建用户 {user.username}（{user.role_enum.label}）")


@click.command("demo-data")
@with_appcontext
def demo_data():
    """Create a demo user for every role, and demo cases when there are none yet."""
    with _session() as session:
        users = people.create_demo_users(session)
        cases = demo.create_demo_cases(session)
        session.commit()
    click.echo(f"演示账户（密码均为 {data.DEMO_PASSWORD}）：")
    for username, label in users:
        click.echo(f"  {username:<12} {label}")
    if cases:
        click.echo(f"已生成演示案件 {cases} 件（另有各中心演示调解员 mediator.*，密码同上）。")
    else:
        click.echo("数据库中已有案件，未生成演示案件。")


COMMANDS = (init_db, create_user, demo_data)
