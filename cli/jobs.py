"""Commands of background work and storage: the job worker, and moving old scans into storage."""

import logging
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from jobs import queue
from mediation.cases.attachments import migrate_uploads
from views.db import database


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="jobs run at the same time")
@click.option("--drain", is_flag=True, help="work the jobs queued now, then exit")
@with_appcontext
def worker_command(workers, drain):
    """Run background jobs and the schedules (reaper, daily due job) until stopped."""
    app = current_app._get_current_object()
    if drain:
        click.echo(f"已处理 {queue.drain(app)} 个任务")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    broker = "Redis" if app.config.get("REDIS_URL") else "SQLite (instance/)"
    click.echo(f"后台任务进程启动：{workers} 个并行，队列 {broker}（Ctrl+C 停止）")
    consumer = queue.engine(app).huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, check_worker_health=True
    )
    consumer.run()


@click.command("migrate-uploads")
@click.option("--folder", type=click.Path(file_okay=False), help="default: UPLOAD_FOLDER")
@click.option("--remove", is_flag=True, help="delete each copied file from the folder")
@with_appcontext
def migrate_uploads_command(folder, remove):
    """Copy scans from the old upload folder (instance/uploads/) into the database."""
    folder = Path(
        folder
        or current_app.config.get("UPLOAD_FOLDER")
        or Path(current_app.instance_path) / "uploads"
    )
    with database().session_factory() as session:
        result = migrate_uploads(session, folder)
        session.commit()
    click.echo(
        f"已迁移 {result.copied} 个扫描件，{result.already} 个此前已迁移，"
        f"{len(result.missing)} 个缺失或校验不符"
    )
    for name in result.missing:
        click.echo(f"  缺失或校验不符：{folder / name}", err=True)
    if remove:  # only files whose scan is now in the database
        removed = [folder / name for name in result.stored if (folder / name).is_file()]
        for path in removed:
            path.unlink()
        click.echo(f"已从 {folder} 删除 {len(removed)} 个已迁移的文件")
    if result.missing:
        raise SystemExit(1)


COMMANDS = [worker_command, migrate_uploads_command]
