"""`flask --app app retention`: archive and anonymise the cases whose time has come."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation import retention
from models import utcnow
from views.db import database


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="count what is due, change nothing")
@with_appcontext
def retention_command(dry_run):
    """Archive closed cases past ARCHIVE_AFTER_DAYS and anonymise those past RETENTION_YEARS."""
    policy = retention.Policy.from_config(current_app.config)
    with database().session_factory() as session:
        outcome = retention.run(session, policy, dry_run=dry_run)
        if dry_run:
            session.rollback()
            click.echo(
                f"将归档 {outcome.archived} 件，将匿名化 {outcome.anonymised} 件"
                f"（删除扫描件 {outcome.scans} 份）；试运行，未作任何更改"
            )
            return
        purged = retention.purge_saved_forms(session, utcnow())
        session.commit()
    # The scans went with the rows (mediation.storage); a copy left in the old upload folder,
    # from before `migrate-uploads --remove`, goes now.
    folder = current_app.config.get("UPLOAD_FOLDER")
    folder = Path(folder) if folder else Path(current_app.instance_path) / "uploads"
    for stored_name in outcome.files:
        (folder / stored_name).unlink(missing_ok=True)
    click.echo(
        f"已归档 {outcome.archived} 件，已匿名化 {outcome.anonymised} 件"
        f"（删除扫描件 {outcome.scans} 份）；删除过期的暂存表单 {purged} 份"
    )


COMMANDS = [retention_command]
