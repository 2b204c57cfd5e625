"""Hostile ledger files are refused before they are parsed, or read within bounds; a sheet too
large is refused as a whole; a check past its time limit stops (mediation.ledger.guard)."""

import re
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

from bench.ledger_bench import generate_rows, write_csv, write_xlsx
from bench.ledger_bombs import (
    column_letter,
    dimension_bomb,
    random_csv,
    sheet_rows,
    sparse_bomb,
    string_bomb,
    write_workbook,
)
from mediation.cases.attachments import format_size
from mediation.ledger import guard
from mediation.ledger.checking import check_ledger
from mediation.ledger.columns import COLUMNS
from mediation.scope import Scope

CITY = Scope(centre_ids=None)
TODAY = date(2026, 11, 27)


def check(db, path: Path, filename: str | None = None):
    return check_ledger(db, path, filename or path.name, CITY, today=TODAY)


def messages(report) -> list[str]:
    return [problem.message for problem in report.problems]


def rows_of(centres, count: int, seed: int = 5):
    names = {code: centre.short_name for code, centre in centres.items()}
    return generate_rows(count, names, [], seed=seed, last_day=date(2026, 1, 1))


def test_a_sheet_declaring_every_cell_is_read_as_the_cells_it_holds(db, centres, tmp_path):
    header, good = _ledger_cells(centres, tmp_path)
    path = write_workbook(
        tmp_path / "台账.xlsx",
        sheet_rows([header, good]) + '<row r="1048576"><c r="XFD1048576"/></row>',
        dimension="A1:XFD1048576",
    )
    assert path.stat().st_size < 4096
    started = time.perf_counter()
    report = check(db, path)
    assert time.perf_counter() - started < 5
    assert report.ok, messages(report)
    assert (report.rows, len(report.new)) == (1, 1)


def test_the_dimension_bomb_of_the_bench_is_answered_at_once(db, tmp_path):
    started = time.perf_counter()
    report = check(db, dimension_bomb(tmp_path / "炸弹.xlsx"))
    assert time.perf_counter() - started < 5
    # its three columns, read as such
    assert "缺少必填列「案件来源」：请为本台账选择案件来源" in messages(report)


def test_a_part_over_the_limit_is_refused_from_the_zip_directory(db, tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_PART_BYTES", 1024 * 1024)
    path = string_bomb(tmp_path / "台账.xlsx", size=3 * 1024 * 1024)
    assert path.stat().st_size < 20_000
    report = check(db, path)
    assert messages(report) == [
        "文件中的「xl/sharedStrings.xml」解压后为 3 MB，超过 1 MB 的上限，未读取"
    ]


def test_a_string_longer_than_a_cell_is_refused_without_being_held(db, tmp_path):
    report = check(db, string_bomb(tmp_path / "台账.xlsx", size=2 * guard.MAX_RUN_BYTES))
    assert messages(report) == [
        "文件中有超过 32,767 个字符的文字（Excel 单元格的上限），不是正常的台账，未读取"
    ]


def test_a_long_string_inside_a_worksheet_is_refused_too(db, tmp_path):
    rows = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"字" * 140_000}</t></is></c></row>'
    report = check(db, write_workbook(tmp_path / "台账.xlsx", rows))
    assert messages(report) == [
        "文件中有超过 32,767 个字符的文字（Excel 单元格的上限），不是正常的台账，未读取"
    ]


def test_a_worksheet_is_bounded_by_the_sheet_limit_not_the_part_limit(
    db, centres, tmp_path, monkeypatch
):
    path = write_xlsx(tmp_path / "台账.xlsx", rows_of(centres, 50))
    sheet = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size
    monkeypatch.setattr(guard, "MAX_PART_BYTES", sheet // 2)  # as a 200,000-row ledger's
    assert check(db, path).ok
    monkeypatch.setattr(guard, "MAX_SHEET_PART_BYTES", sheet // 2)
    assert messages(check(db, path)) == [
        f"文件中的「xl/worksheets/sheet1.xml」解压后为 {format_size(sheet)}，"
        f"超过 {format_size(sheet // 2)} 的上限，未读取"
    ]


def test_a_random_file_named_csv_is_one_refusal(db, tmp_path):
    report = check(db, random_csv(tmp_path / "台账.csv"))
    assert messages(report) == [guard.NOT_TEXT] and report.rows == 0


def test_a_text_file_with_a_binary_tail_is_refused(db, centres, tmp_path):
    path = write_csv(tmp_path / "台账.csv", rows_of(centres, 5))
    with open(path, "ab") as handle:
        handle.write(b"\x00\x01\x02\x03" * 50_000)
    assert messages(check(db, path)) == [guard.NOT_TEXT]


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04 not a zip at all" * 100,
        b"plain text, named .xlsx",
        "zip without workbook",
        "workbook without its parts",
    ],
)
def test_a_workbook_that_is_not_a_workbook_is_refused(db, tmp_path, content):
    path = tmp_path / "台账.xlsx"
    if content == "zip without workbook":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "hello")
    elif content == "workbook without its parts":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook><sheets></sheets></workbook>")
    else:
        path.write_bytes(content)
    assert messages(check(db, path)) == [guard.NOT_A_WORKBOOK]


def test_a_sheet_over_the_row_limit_is_refused_as_a_whole(db, centres, tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_ROWS", 5)
    rows = rows_of(centres, 6)
    for path in (write_csv(tmp_path / "台账.csv", rows), write_xlsx(tmp_path / "台账.xlsx", rows)):
        report = check(db, path)
        where = "工作表「调解案件」" if path.suffix == ".xlsx" else "文件"
        assert messages(report) == [f"{where}超过 5 行数据的上限，未导入任何行；请分成几个文件导入"]
        assert (report.rows, report.new) == (0, [])
    at_the_limit = check(db, write_csv(tmp_path / "五行.csv", rows[:5]))
    assert at_the_limit.ok and len(at_the_limit.new) == 5


def test_a_sheet_over_the_column_limit_is_refused(db, centres, tmp_path):
    header, good = _ledger_cells(centres, tmp_path)
    wide = good + [""] * (guard.MAX_COLUMNS - len(good)) + ["多余"]
    report = check(db, write_workbook(tmp_path / "台账.xlsx", sheet_rows([header, wide])))
    assert messages(report) == ["工作表「调解案件」第2行超过 100 列的上限，未导入任何行"]
    # Empty cells beyond the limit (formatting Excel leaves) are no content.
    styled = sheet_rows([header, good]).replace("</row>", '<c r="ZZ2" s="1"/></row>')
    assert check(db, write_workbook(tmp_path / "格式.xlsx", styled)).ok


def test_a_check_past_its_time_limit_stops(db, centres, tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "DEADLINE_EVERY", 1)
    path = write_csv(tmp_path / "台账.csv", rows_of(centres, 5))
    with guard.time_limit(0), pytest.raises(guard.PreviewTimeout, match="预览超时"):
        check(db, path)
    with guard.time_limit(60):
        assert check(db, path).ok


def _ledger_cells(centres, tmp_path) -> tuple[list[str], list[str]]:
    """The header and one valid row, as text."""
    import csv

    source = write_csv(tmp_path / "一行.csv", rows_of(centres, 1))
    with open(source, encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))
    assert header == list(COLUMNS)
    return header, row


def test_a_zip_of_too_many_parts_is_refused_before_its_directory_is_read(db, tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_PARTS", 100)
    path = dimension_bomb(tmp_path / "台账.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        for n in range(200):
            archive.writestr(f"xl/media/{n}.bin", b"")
    assert messages(check(db, path)) == [
        "文件中有 206 个部分，超过 100 的上限，不是正常的台账，未读取"
    ]


def test_a_header_over_the_column_limit_is_refused(db, centres, tmp_path):
    header, good = _ledger_cells(centres, tmp_path)
    wide = header + [f"列{n}" for n in range(len(header), guard.MAX_COLUMNS + 1)]
    report = check(db, write_workbook(tmp_path / "台账.xlsx", sheet_rows([wide, good])))
    assert messages(report) == ["工作表「调解案件」第1行超过 100 列的上限，未导入任何行"]
    path = tmp_path / "宽.csv"
    path.write_text(",".join(wide) + "\n", encoding="utf-8")
    assert messages(check(db, path)) == ["文件第1行超过 100 列的上限，未导入任何行"]


def test_two_values_far_apart_are_refused_before_the_sheet_is_loaded(db, tmp_path):
    started = time.perf_counter()
    report = check(db, sparse_bomb(tmp_path / "台账.xlsx"))
    assert time.perf_counter() - started < 5
    assert messages(report) == [
        "工作表「调解案件」只有 4 个单元格有内容，却分散在 250,000 行、100 列中，"
        "不是正常的台账，未读取"
    ]


def test_a_value_past_the_row_limit_is_refused_before_the_sheet_is_loaded(db, tmp_path):
    report = check(db, sparse_bomb(tmp_path / "台账.xlsx", rows=guard.MAX_ROWS + 2, column="A"))
    assert messages(report) == [
        "工作表「调解案件」超过 250,000 行数据的上限，未导入任何行；请分成几个文件导入"
    ]


def test_cells_keep_their_columns_when_a_sheet_starts_further_in(db, centres, tmp_path):
    """A sheet whose first column and rows are empty: the problems name the sheet's own row and
    column numbers."""
    header, good = _ledger_cells(centres, tmp_path)
    shifted = sheet_rows([[], [], ["", *header], ["", *good, "", "孤立的值"]])
    report = check(db, write_workbook(tmp_path / "台账.xlsx", shifted))
    assert messages(report) == [f"第{len(header) + 3}列有内容但没有列名"]
    assert report.problems[0].row == 4


def test_a_formula_error_is_read_as_excel_shows_it_not_as_a_blank(db, centres, tmp_path):
    header, good = _ledger_cells(centres, tmp_path)
    claimed = header.index("请求金额") + 1
    row = sheet_rows([header, good]).split("</row>")[1]  # the data row's cells
    cell = f'<c r="{column_letter(claimed)}2" t="inlineStr">'
    start = row.index(cell)
    error = f'<c r="{column_letter(claimed)}2" t="e"><f>VLOOKUP(A2,B:B,1,0)</f><v>#N/A</v></c>'
    row = row[:start] + error + row[row.index("</c>", start) + len("</c>") :]
    rows = sheet_rows([header]) + row + "</row>"
    report = check(db, write_workbook(tmp_path / "台账.xlsx", rows))
    assert [str(p) for p in report.problems] == ["第2行「请求金额」金额格式不正确"]


def test_cells_without_references_are_read_in_order(db, centres, tmp_path):
    """Some writers leave out each cell's reference: the cells then follow one another."""
    header, good = _ledger_cells(centres, tmp_path)
    good = [value if value else " " for value in good]  # an empty cell keeps its place
    bare = re.sub(r' r="[A-Z]+\d+"', "", sheet_rows([header, good]))
    assert "<c t=" in bare and 'r="A' not in bare
    report = check(db, write_workbook(tmp_path / "台账.xlsx", bare))
    assert report.ok, messages(report)
    assert len(report.new) == 1
