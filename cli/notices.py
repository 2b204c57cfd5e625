"""The outbox: `flask --app app outbox [--phone PHONE] [--last N]` prints the messages kept, the
newest first (time, channel, recipient, status, text). In the embedded default nothing leaves the
machine, so this is where one-time codes and notices are read."""

from datetime import UTC

import click
from flask.cli import with_appcontext

from mediation.dates import TZ
from mediation.identifiers import InvalidIdentifier, normalize_phone
from mediation.notices import outbox
from views.db import database


@click.command("outbox")
@click.option("--phone", default="", help="只显示发给该手机号的消息")
@click.option("--last", "last", default=20, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def show_outbox(phone: str, last: int):
    """Print the newest messages of the outbox."""
    if phone:
        try:
            phone = normalize_phone(phone)
        except InvalidIdentifier as error:
            raise click.BadParameter(str(error), param_hint="--phone") from None
    with database().session_factory() as session:
        for message in outbox.latest(session, phone or None, last):
            created = message.created_at
            if created.tzinfo is None:  # SQLite gives naive UTC back
                created = created.replace(tzinfo=UTC)
            when = created.astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")
            click.echo(
                f"{when}\t{message.channel}\t{message.recipient}\t{message.status}\t{message.text}"
            )


@click.command("notices-due")
@click.option("--date", "on", default=None, help="按该日运行（默认今天），格式 YYYY-MM-DD")
@with_appcontext
def notices_due(on: str | None):
    """Send today's reminders: instalments due tomorrow and those left unpaid yesterday. Safe to
    run more than once a day: each reminder goes once."""
    from datetime import date

    from mediation.dates import today
    from mediation.notices.daily import send_due_notices

    try:
        day = date.fromisoformat(on) if on else today()
    except ValueError:
        raise click.BadParameter("日期格式应为 YYYY-MM-DD", param_hint="--date") from None
    with database().session_factory() as session:
        sent = send_due_notices(session, day)
        session.commit()
    click.echo(f"{day:%Y-%m-%d}：到期提醒{sent.due_tomorrow}条，逾期通知{sent.defaulted}条。")


COMMANDS = (show_outbox, notices_due)
