"""Operations commands: backup, restore and rebuilding the statistics rollup."""

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation.statistics.rollup import rebuild_rollup, rollup_drift
from models.backup import backup, restore
from views.db import database


@click.command("backup")
@click.argument("destination")
@with_appcontext
def backup_command(destination):
    """Copy the database to DESTINATION (SQLite online backup; pg_dump on PostgreSQL)."""
    path = backup(current_app.config["DATABASE_URL"], destination)
    click.echo(f"已备份到 {path}")


@click.command("restore")
@click.argument("source")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@with_appcontext
def restore_command(source, yes):
    """Replace the database's contents with the backup SOURCE."""
    if not yes:
        click.confirm("恢复将覆盖当前数据库中的全部数据，确定继续吗？", abort=True)
    restore(current_app.config["DATABASE_URL"], source)
    click.echo(f"已从 {source} 恢复")


@click.command("rebuild-rollup")
@with_appcontext
def rebuild_rollup_command():
    """Recompute the statistics rollup from the cases (after bulk changes)."""
    with database().session_factory() as session:
        drift = len(rollup_drift(session))
        rows = rebuild_rollup(session)
        session.commit()
    click.echo(f"统计汇总已重建：{rows} 行（重建前有 {drift} 行不一致）")


COMMANDS = [backup_command, restore_command, rebuild_rollup_command]
