"""`flask --app app import-ledger FILE [--dry-run] [--user USERNAME] [--sheet NAME]
[--map "表头=台账列" …] [--centre CODE] [--channel 来源]` and
`flask --app app export-ledger FILE [--from DATE] [--to DATE] [--centre CODE] [--kind legal]`.

Thin wrappers over mediation.ledger. Without --user an import runs with the whole city in scope
and its audit events name the command line ("命令行 import-ledger"). The import maps a centre's
own columns as the web preview does and prints the mapping it used; --map overrides one column,
--centre and --channel give a file without 调解组织 or 案件来源 its centre and channel (and the
centre whose remembered mapping applies; a centre user's own by default). The export is the server
operator's: every case of the period (or centre), worker names unmasked. An .xlsx holds both
sheets (调解案件 and 法律服务案件); a .csv holds the mediation cases, or with --kind legal the
legal-service cases.

A file imported before (the same bytes, on the web or here) is refused: 「该文件已于…导入」.
On a terminal the import draws a progress bar of the rows read (cli.progress); piped or
redirected, it prints only its summary. It always runs here, in this process, whatever its size.
"""

import sys
from contextlib import nullcontext
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlmodel import select

from cli import progress
from mediation.cases.listing import CaseFilter, filter_conditions
from mediation.dates import InvalidDate, parse_date_text, today
from mediation.errors import RuleViolation
from mediation.ledger import guard
from mediation.ledger.columns import LEGAL_COLUMNS, LedgerReport
from mediation.ledger.exporting import csv_chunks, ledger_rows, legal_ledger_rows, write_xlsx
from mediation.ledger.guard import data_rows
from mediation.ledger.importing import CLI_ACTOR, import_ledger
from mediation.ledger.mapping import MappingChoice, describe, parse_overrides
from mediation.ledger.stored import legal_export_conditions
from mediation.ledger.uploads import file_hash, record_import, refuse_if_imported
from mediation.permissions import Permission, can
from mediation.privacy import FULL_ACCESS
from mediation.scope import Scope, scope_of
from models import Centre, Channel, User
from models.backup import create_private
from views.db import database
from views.ledger import import_summary

MAX_PROBLEMS_SHOWN = 10_000


def _session():
    return database().session_factory()


def _echo_report(report: LedgerReport) -> None:
    for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(str(problem), err=True)
    hidden = len(report.problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        click.echo(f"……另有 {hidden} 处问题未列出", err=True)


@click.command("import-ledger")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查，不写入")
@click.option("--user", "username", help="以该用户的名义和管理范围导入（审计记录写其姓名）")
@click.option("--sheet", default="", help="要导入的工作表（工作簿有多个工作表时）")
@click.option(
    "--map",
    "overrides",
    multiple=True,
    help='指定一列对应的台账列，如 --map "受理时间=受理日期"；「序号=」表示不导入（可重复）',
)
@click.option("--centre", "centre_code", help="台账没有「调解组织」列时，案件所属的中心代码")
@click.option("--channel", default="", help="台账没有「案件来源」列时，全部案件的来源")
def import_ledger_command(
    file: Path,
    dry_run: bool,
    username: str | None,
    sheet: str = "",
    overrides: tuple[str, ...] = (),
    centre_code: str | None = None,
    channel: str = "",
):
    """Import a ledger (台账) file: .xlsx or .csv. Exits non-zero if any row has a problem;
    then nothing is written."""
    try:
        columns = parse_overrides(list(overrides))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--map") from None
    if channel and channel not in [c.value for c in Channel]:
        raise click.BadParameter(
            f"无效「{channel}」，应为：{'、'.join(c.value for c in Channel)}",
            param_hint="--channel",
        )
    with _session() as session:
        actor = None
        scope = Scope(centre_ids=None)
        if username:
            actor = session.exec(select(User).where(User.username == username)).first()
            if actor is None or not actor.active:
                raise click.ClickException(f"未知用户或已停用「{username}」")
            if not can(actor, Permission.LEDGER_IMPORT):
                raise click.ClickException(f"用户「{username}」无权导入台账")
            scope = scope_of(session, actor)
        try:
            refuse_if_imported(session, file_hash(file))
        except RuleViolation as refusal:
            raise click.ClickException(str(refusal)) from None
        choice = MappingChoice(sheet=sheet, columns=columns, channel=channel)
        choice.centre_id = actor.centre_id if actor else None
        if centre_code:
            centre = session.exec(select(Centre).where(Centre.code == centre_code)).first()
            if centre is None:
                raise click.ClickException(f"未知调解中心代码「{centre_code}」")
            choice.centre_id = centre.id
        bar = progress.for_terminal(sys.stdout, lambda: data_rows(file, file.suffix))
        with guard.counting_rows(bar) if bar else nullcontext():
            report = import_ledger(
                session,
                file,
                file.name,
                actor=actor,
                scope=scope,
                actor_name=None if actor else CLI_ACTOR,
                dry_run=dry_run,
                choice=choice,
            )
        if bar:
            bar.close()
        if report.mapping is not None:
            click.echo("\n".join(describe(report.mapping)))
            unknown = set(columns) - {c.header for c in report.mapping.columns}
            if unknown:
                session.rollback()
                raise click.BadParameter(
                    f"表头中没有「{'」「'.join(sorted(unknown))}」", param_hint="--map"
                )
        for note in report.notes:
            click.echo(note)
        if not report.ok:
            session.rollback()
            _echo_report(report)
            if report.sheet_names:
                click.echo(f"请用 --sheet 指定工作表：{'、'.join(report.sheet_names)}", err=True)
            if any("缺少必填列" in problem.message for problem in report.problems):
                click.echo(
                    '可用 --map "表头=台账列" 指定列的对应关系，'
                    "或用 --centre、--channel 为整个文件指定调解组织、案件来源。",
                    err=True,
                )
            click.echo(
                f"台账「{report.filename}」有 {len(report.problems)} 处问题，未导入任何案件。",
                err=True,
            )
            raise SystemExit(1)
        if dry_run:
            session.rollback()
            legal = (
                f"法律服务案件可新增 {len(report.legal_new)} 件，跳过 {report.legal_skipped} 件。"
                if report.has_legal
                else ""
            )
            click.echo(
                f"检查通过（试运行，未写入）：共 {report.rows} 行，"
                f"可新增 {len(report.new)} 件，与已登记案件相同而跳过 {report.skipped} 件。" + legal
            )
            return
        if report.imported or report.legal_imported:
            record_import(session, file, file.name, actor)
        session.commit()
        click.echo(import_summary(report))


def _date_option(_ctx, _param, value):
    if value is None:
        return None
    try:
        return parse_date_text(value)
    except InvalidDate as error:
        raise click.BadParameter(str(error)) from None


@click.command("export-ledger")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--from", "period_from", callback=_date_option, help="受理（或不予受理决定）日期自")
@click.option("--to", "period_to", callback=_date_option, help="受理（或不予受理决定）日期至")
@click.option("--centre", "centre_code", help="调解中心代码，如 NH-LS")
@click.option(
    "--kind",
    type=click.Choice(["mediation", "legal"]),
    default="mediation",
    help="CSV 导出的台账类型：mediation（调解案件，默认）或 legal（法律服务案件）；"
    ".xlsx 总是包含两个工作表",
)
def export_ledger_command(
    file: Path, period_from, period_to, centre_code: str | None, kind: str = "mediation"
):
    """Export cases as a ledger: .csv (UTF-8 with BOM) or .xlsx, by the file's extension."""
    sheet_kind = kind
    kind = file.suffix.lower().lstrip(".")
    if kind not in ("csv", "xlsx"):
        raise click.ClickException("导出文件须以 .csv 或 .xlsx 结尾")
    with _session() as session:
        case_filter = CaseFilter(period_from=period_from, period_to=period_to)
        if centre_code:
            centre = session.exec(select(Centre).where(Centre.code == centre_code)).first()
            if centre is None:
                raise click.ClickException(f"未知调解中心代码「{centre_code}」")
            case_filter.centre_id = centre.id
        conditions = filter_conditions(case_filter, Scope(centre_ids=None), today())
        legal_conditions = legal_export_conditions(
            Scope(centre_ids=None), case_filter.centre_id, period_from, period_to
        )
        legal_counter = [0]
        legal_rows = _counted(legal_ledger_rows(session, legal_conditions), legal_counter)
        if kind == "csv" and sheet_kind == "legal":
            create_private(file)
            with open(file, "wb") as handle:
                for chunk in csv_chunks(legal_rows, columns=LEGAL_COLUMNS):
                    handle.write(chunk)
            click.echo(f"已导出 {legal_counter[0]} 件法律服务案件到 {file}")
            return
        rows = ledger_rows(session, conditions, FULL_ACCESS)
        if kind == "csv":
            counter = [0]
            create_private(file)
            with open(file, "wb") as handle:
                for chunk in csv_chunks(_counted(rows, counter)):
                    handle.write(chunk)
            count = counter[0]
            click.echo(f"已导出 {count} 件案件到 {file}")
            return
        create_private(file)
        count = write_xlsx(rows, file, legal_rows)
    click.echo(f"已导出 {count} 件案件（另有法律服务案件 {legal_counter[0]} 件）到 {file}")


def _counted(rows, counter: list[int]):
    for row in rows:
        counter[0] += 1
        yield row


COMMANDS = (import_ledger_command, export_ledger_command)
