"""`flask --app app …` commands: thin wrappers over mediation/ functions, one module per area."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from cli import calendar, database, jobs, ledger, notices, ops, retention

    for module in (database, ops, ledger, calendar, jobs, notices, retention):
        for command in module.COMMANDS:
            app.cli.add_command(command)
