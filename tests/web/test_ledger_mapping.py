"""A clerk's own ledger (one sheet called Sheet1, a title row, the centre's own column names,
Chinese date forms, amounts in 万 and with 元, the clerk's outcome words, a 合计 row, no
调解组织) imports to the same /api/stats figures as the same cases in the ledger's format; as
a workbook, a UTF-8 CSV and a GB18030 CSV, in two header vocabularies."""

from datetime import date

import pytest

from bench.ledger_bench import generate_rows, write_clerk_csv, write_clerk_xlsx, write_csv
from mediation.ledger.importing import import_ledger
from mediation.ledger.mapping import MappingChoice
from mediation.scope import Scope
from models import Lawyer

CITY = Scope(centre_ids=None)
STANDARD, CLERK = "NH-LS", "CC-ZC"  # the same cases go to each, in either format


def _stats(client, centre: str) -> dict:
    body = client.get(f"/api/stats?from=2021-01-01&to=2026-11-20&centre={centre}").get_json()
    body.pop("centre")
    for key in ("by_district", "by_centre"):  # the same figures, under the other centre's name
        body[key] = [
            {k: v for k, v in item.items() if k not in ("code", "name")} for item in body[key]
        ]
    return body


@pytest.mark.parametrize(
    ("kind", "vocabulary", "encoding"),
    [("xlsx", 0, None), ("xlsx", 1, None), ("csv", 0, "utf-8-sig"), ("csv", 1, "gb18030")],
)
def test_a_clerks_ledger_imports_to_the_same_statistics_as_the_ledger_format(
    client, db, centres, login_as, tmp_path, kind, vocabulary, encoding
):
    lawyers = [
        Lawyer(
            name=f"特约律师{n}", certificate_no=f"1440620103{n:07d}", firm_name="广东南天律师事务所"
        )
        for n in (1, 2)
    ]
    db.add_all(lawyers)
    db.flush()
    rows = generate_rows(
        120,
        {STANDARD: centres[STANDARD].short_name},
        [lawyer.certificate_no for lawyer in lawyers],
        seed=vocabulary,
        last_day=date(2026, 10, 31),
    )
    standard = import_ledger(
        db, write_csv(tmp_path / "标准.csv", rows), "标准.csv", actor=None, scope=CITY
    )
    assert standard.ok and standard.imported == 120

    if kind == "xlsx":
        path = write_clerk_xlsx(tmp_path / "里水台账.xlsx", rows, vocabulary)
    else:
        path = write_clerk_csv(tmp_path / "里水台账.csv", rows, vocabulary, encoding)
    choice = MappingChoice(centre_id=centres[CLERK].id)
    report = import_ledger(db, path, path.name, actor=None, scope=CITY, choice=choice)

    assert report.ok, [str(p) for p in report.problems[:5]]
    assert report.imported == 120 and report.rows == 120
    assert report.mapping.header_row == 3  # below the title row and a blank row
    assert any(note.startswith("合计行 1 行未导入（第124行）") for note in report.notes)
    by_header = {c.header: c.field for c in report.mapping.columns}
    assert by_header["序号"] == "" and by_header["联系电话"] == ""
    if vocabulary == 1:  # named 单位代码: told by its content
        assert by_header["单位代码"] == "统一社会信用代码"
        assert any("案件编号" in note for note in report.notes)  # numbered from the counter
    db.flush()
    login_as("admin")
    assert _stats(client, CLERK) == _stats(client, STANDARD)
