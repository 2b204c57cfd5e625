"""Hostile ledger files: how long the ledger check takes to answer them, and at what peak memory.

    .venv/bin/python bench/ledger_bombs.py

Builds, in a temporary folder, the two crafted workbooks of issue 14 — a 1.8 KB one whose sheet
declares A1:XFD1048576, and a ~206 KB one holding a 200 MB shared string — a workbook with one
cell of 99 MB, one whose two values lie 250,000 rows and 100 columns apart (which a reader that
loads a sheet as a dense range would make 25,000,000 cells), and a 20,000,000-byte random file
named .csv. Each is checked by check_ledger in a fresh child process (on an SQLite
database migrated there), which prints the seconds to answer, its peak resident memory
(ru_maxrss) and the answer. Targets: within 2 s, under 200 MB.

The builders are also used by tests/domain/ledger/test_guard.py.
"""

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHEET = "调解案件"
HEADER = ("案件编号", "调解组织", "受理日期")
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
)
STRINGS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_rows(rows: list[list[str]]) -> str:
    """<row> elements of inline-string cells (empty ones left out, as Excel does)."""
    return "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{column_letter(c)}{r}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
            for c, value in enumerate(cells, start=1)
            if value
        )
        + "</row>"
        for r, cells in enumerate(rows, start=1)
    )


def write_workbook(
    path: Path,
    rows: str,
    dimension: str = "A1",
    shared: list[str] = (),
    long_string: int = 0,
    sheet: str = SHEET,
    long_cell: int = 0,
) -> Path:
    """An .xlsx of the fewest parts openpyxl opens: one sheet holding `rows` (XML), declaring
    `dimension`, then a cell of `long_cell` letters; shared strings `shared`, then one string
    of `long_string` letters. Long strings are written in chunks, never held here either."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(name=sheet))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        head, tail = SHEET_XML.format(dimension=dimension, rows="\0").split("\0")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write((head + rows).encode())
            if long_cell:
                part.write(b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>')
                _write_letters(part, long_cell)
                part.write(b"</t></is></c></row>")
            part.write(tail.encode())
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(STRINGS_HEAD.encode())
            for text in shared:
                part.write(f"<si><t>{text}</t></si>".encode())
            if long_string:
                part.write(b"<si><t>")
                _write_letters(part, long_string)
                part.write(b"</t></si>")
            part.write(b"</sst>")
    return path


def _write_letters(part, count: int) -> None:
    block = b"A" * (1 << 20)
    for start in range(0, count, len(block)):
        part.write(block[: min(len(block), count - start)])


def dimension_bomb(path: Path) -> Path:
    """A tiny workbook whose sheet declares every cell of a sheet (A1:XFD1048576) and holds a
    header, one row and an empty cell in the last one, XFD1048576: read by the declared range
    it is a million rows of 16,384 cells."""
    rows = sheet_rows([list(HEADER), ["(2021)南里调字第1号", "NH-LS", "2021-03-09"]])
    rows += '<row r="1048576"><c r="XFD1048576"/></row>'
    return write_workbook(path, rows, dimension="A1:XFD1048576")


def string_bomb(path: Path, size: int = 200 * 1024 * 1024) -> Path:
    """A small workbook (~206 KB for 200 MB) whose one shared string is `size` letters long."""
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return write_workbook(path, rows, long_string=size)


def cell_bomb(path: Path, size: int = 99 * 1024 * 1024) -> Path:
    """A small workbook whose sheet holds one cell of `size` letters: within every part limit,
    refused by its text run."""
    return write_workbook(path, "", long_cell=size)


def sparse_bomb(path: Path, rows: int = 250_000, column: str = "CV") -> Path:
    """A small workbook with a header and one value far away (column CV of row 250,000, within
    both limits): loaded as a dense range it would be 25,000,000 cells."""
    cells = sheet_rows([list(HEADER)])
    cells += f'<row r="{rows}"><c r="{column}{rows}" t="inlineStr"><is><t>远</t></is></c></row>'
    return write_workbook(path, cells, dimension=f"A1:{column}{rows}")


def random_csv(path: Path, size: int = 20_000_000) -> Path:
    with open(path, "wb") as handle:
        for start in range(0, size, 1 << 20):
            handle.write(os.urandom(min(1 << 20, size - start)))
    return path


CHILD = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from mediation.ledger.checking import check_ledger
from mediation.scope import Scope
from views.db import Database
from flask import Flask
app = Flask("bench")
app.config.update(DATABASE_URL={url!r}, SECRET_KEY="bench", SQL_ECHO=False)
Database(app)
path = Path({path!r})
with app.app_context():
    session = app.extensions["database"].session_factory()
    started, cpu = time.perf_counter(), time.process_time()
    report = check_ledger(session, path, {name!r}, Scope(centre_ids=None))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
answer = str(report.problems[0]) if report.problems else f"{{report.rows}} rows read"
print(f"{{seconds:.2f}}\\t{{cpu:.2f}}\\t{{peak:.0f}}\\t{{answer}}")
"""


def measure(path: Path, name: str, url: str) -> tuple[float, float, float, str]:
    """(seconds, CPU seconds, peak MB, answer) of check_ledger on the file, in a fresh Python
    process. The CPU time is what the answer costs on a machine that is not shared."""
    code = CHILD.format(root=str(ROOT), url=url, path=str(path), name=name)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    seconds, cpu, peak, answer = out.strip().splitlines()[-1].split("\t", 3)
    return float(seconds), float(cpu), float(peak), answer


def migrated_sqlite(folder: Path) -> str:
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
    )
    return url


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        url = migrated_sqlite(folder)
        files = [
            ("dimension bomb", dimension_bomb(folder / "dimension.xlsx"), "台账.xlsx"),
            ("string bomb", string_bomb(folder / "string.xlsx"), "台账.xlsx"),
            ("99 MB cell", cell_bomb(folder / "cell.xlsx"), "台账.xlsx"),
            ("sparse bomb", sparse_bomb(folder / "sparse.xlsx"), "台账.xlsx"),
            ("random .csv", random_csv(folder / "random.csv"), "台账.csv"),
        ]
        print(f"{'file':<16}{'size':>12}{'seconds':>9}{'CPU s':>7}{'peak MB':>9}  answer")
        for label, path, name in files:
            seconds, cpu, peak, answer = measure(path, name, url)
            size = path.stat().st_size
            print(f"{label:<16}{size:>12,}{seconds:>9.2f}{cpu:>7.2f}{peak:>9.0f}  {answer}")


if __name__ == "__main__":
    main()
