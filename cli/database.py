"""Commands that set up the database: init-db, rotate-data-key, create-user, demo-data."""

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation import encryption
from mediation.errors import RuleViolation
from mediation.reference import accounts
from mediation.reference.calendar import load_official_days, official_years
from mediation.reference.districts import load_reference_data
from models import crypto
from models.backup import restrict_sqlite_files
from models.db import upgrade
from seed import data, demo, people
from views.db import database


def _session():
    return database().session_factory()


@click.command("init-db")
@with_appcontext
def init_db():
    """Upgrade the schema to head, then load districts, centres and the official holiday
    calendar (idempotent: only what is missing is added). With no data key anywhere (and so
    nothing encrypted yet: the app refuses to start otherwise), write one to instance/data_key
    first; the upgrade encrypts with it."""
    _ensure_data_key()
    url = current_app.config["DATABASE_URL"]
    upgrade(url)
    if url.startswith("sqlite"):
        restrict_sqlite_files(url)
    with _session() as session:
        added = load_reference_data(session)
        loaded = load_official_days(session)
        session.commit()
    click.echo(
        f"数据库已升级到最新版本；新增区 {added['districts']} 个、调解中心 {added['centres']} 个。"
    )
    click.echo(f"节假日日历（国务院办公厅{official_years()}年安排）：{loaded.text}。")


def _ensure_data_key() -> None:
    setting = current_app.extensions["data_key"]
    if setting.key is not None:
        return
    crypto.write_key_file(setting.file, crypto.new_key_text())
    key = crypto.DataKey(setting.file.read_text(), source=str(setting.file))
    crypto.install(crypto.KeyRing(key))
    current_app.extensions["data_key"] = crypto.KeySetting(key, setting.file)
    click.echo(
        f"已生成数据加密密钥 {setting.file}（仅所有者可读）。请另行妥善保管，"
        "不要与数据库备份放在一起；多节点部署时各节点须使用同一密钥（DATA_KEY）。"
    )


@click.command("rotate-data-key")
@with_appcontext
@click.option(
    "--new-key-file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="the new key (64 hex digits); written, readable by its owner only, when missing",
)
def rotate_data_key(new_key_file: Path):
    """Re-encrypt every ID number and phone with a new data key and recompute the search keys,
    in one transaction (a failure changes nothing). Stop the app on every node first."""
    setting = current_app.extensions["data_key"]
    if setting.key is None:
        raise click.ClickException("尚未设置数据加密密钥，无需轮换（请先运行 init-db）。")
    if not new_key_file.exists():
        crypto.write_key_file(new_key_file, crypto.new_key_text())
        click.echo(f"已生成新密钥 {new_key_file}（仅所有者可读）。")
    try:
        new = crypto.DataKey(new_key_file.read_text(), source=str(new_key_file))
    except crypto.DataKeyError as error:
        raise click.ClickException(str(error)) from None
    old = setting.key
    if new.id == old.id:
        raise click.ClickException("新密钥与当前密钥相同。")
    with crypto.keys_in_use(crypto.KeyRing(new, old)), _session() as session:
        rewritten = encryption.reencrypt(session)
        session.commit()
    crypto.install(crypto.KeyRing(new))
    current_app.extensions["data_key"] = crypto.KeySetting(new, setting.file)
    click.echo(f"已用新密钥（{new.id}）重新加密 {sum(rewritten.values())} 条记录并重算检索键。")
    if setting.file is None:
        click.echo(
            f"请在每个节点把 DATA_KEY 换为 {new_key_file} 中的新密钥后再启动应用；"
            f"旧密钥（{old.id}）只用于读取此前的备份，请与那些备份一起保管。"
        )
        return
    kept = setting.file.with_name(f"{setting.file.name}.{old.id}")
    os.replace(setting.file, kept)
    crypto.write_key_file(setting.file, new_key_file.read_text().strip())
    click.echo(
        f"{setting.file} 已换为新密钥；旧密钥移至 {kept}：它只用于读取此前的备份，"
        "请将其移出服务器，与那些备份一起保管。"
    )


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


COMMANDS = (init_db, rotate_data_key, create_user, demo_data)
