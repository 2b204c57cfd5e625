"""The holiday calendar: `calendar-update` loads the official arrangements the installed
`chinesecalendar` package carries (run it after `pip install -U chinesecalendar` when the State
Council has published a new year)."""

import click
from flask.cli import with_appcontext

from mediation.reference.calendar import load_official_days, official_years
from views.db import database


@click.command("calendar-update")
@with_appcontext
def calendar_update():
    """Add the official holidays and make-up working days missing from the calendar (admins'
    own entries are kept), and recompute the deadlines of open cases."""
    with database().session_factory() as session:
        loaded = load_official_days(session)
        session.commit()
    click.echo(f"国务院办公厅{official_years()}年节假日安排：{loaded.text}；已有日期未改动。")


COMMANDS = (calendar_update,)
