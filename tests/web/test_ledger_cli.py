"""The command-line import stays synchronous: on a terminal it draws a text progress bar of the
rows read; piped (as under CliRunner) it prints its summary without a bar."""

import io

from sqlmodel import func, select

from bench.ledger_bench import generate_rows, write_csv
from cli import progress
from models import Case, Centre, Job


def test_piped_output_gets_the_summary_and_no_bar(app, db, tmp_path, monkeypatch):
    centres = {c.code: c.short_name for c in db.exec(select(Centre).where(Centre.code == "NH-LS"))}
    path = write_csv(tmp_path / "台账.csv", generate_rows(12, centres, [], seed=9))
    monkeypatch.setitem(app.config, "JOB_IMPORT_ROWS", 1)  # the command line never uses a job
    result = app.test_cli_runner().invoke(args=["import-ledger", str(path)])
    assert result.exit_code == 0, result.output
    assert "已从「台账.csv」导入 12 件案件" in result.output
    assert "\r" not in result.output and "[#" not in result.output
    assert "行 100%" not in result.output
    assert db.exec(select(func.count()).select_from(Case)).one() == 12
    assert db.exec(select(func.count()).select_from(Job)).one() == 0


def test_the_bar_shows_rows_done_of_total_and_the_time_left():
    assert progress.render_bar(0, 200, width=10) == "[..........] 0/200 行   0%"
    half = "[##........] 50/200 行  25%  预计剩余 30 秒"
    assert progress.render_bar(50, 200, 30, width=10) == half
    assert progress.render_bar(12_000, 12_000, 0, width=10) == "[##########] 12,000/12,000 行 100%"
    assert progress.render_bar(5, 0, width=4) == "[####] 0/0 行 100%"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_is_drawn_in_place_on_a_terminal_only():
    assert progress.for_terminal(io.StringIO(), lambda: 10) is None
    terminal = Terminal()
    bar = progress.for_terminal(terminal, lambda: 2_000)
    bar(1_000)
    bar.close()
    drawn = terminal.getvalue()
    assert drawn.startswith("\r[") and "1,000/2,000 行  50%" in drawn
    assert drawn.endswith("\r[" + "#" * progress.WIDTH + "] 2,000/2,000 行 100%\n")
    assert drawn.count("100%") == 1  # drawn once, not again on closing
