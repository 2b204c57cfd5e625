"""Ledger (台账) import and export: round trip, every problem reported, idempotent re-import.

The round trip uses LEDGER_TEST_ROWS generated rows (2,000 by default so that `make test` stays
quick on both databases; `LEDGER_TEST_ROWS=20000` runs the full-size check, and
bench/ledger_bench.py measures 100,000 in and 1,000,000 out).
"""

import csv
import io
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import delete, func, or_
from sqlmodel import select

from bench.ledger_bench import LedgerCase, generate_rows, write_csv, write_xlsx
from mediation.cases import search
from mediation.cases.listing import CaseFilter, filter_conditions
from mediation.ledger.columns import LEGAL_COLUMNS, escape_cell
from mediation.ledger.exporting import csv_chunks, ledger_rows, legal_ledger_rows
from mediation.ledger.exporting import write_xlsx as export_xlsx
from mediation.ledger.importing import import_ledger
from mediation.legal.cases import LegalWorkerData, create_legal_case
from mediation.money import fen_to_decimal
from mediation.numbering import next_number
from mediation.privacy import FULL_ACCESS, personal_data_access
from mediation.scope import Scope, scope_of
from mediation.statistics.legal import legal_statistics
from mediation.statistics.period import Period
from mediation.statistics.rollup import rollup_drift
from models import (
    Agreement,
    AgreementLine,
    AuditEvent,
    Case,
    CaseCounter,
    CaseRollup,
    ClaimLine,
    Employer,
    Lawyer,
    LegalCase,
    LegalWorker,
    Payment,
    Worker,
)

TODAY = date(2026, 11, 24)
CITY = Scope(centre_ids=None)
ROWS = int(os.environ.get("LEDGER_TEST_ROWS", "2000"))
TABLES = (Case, Worker, ClaimLine, Agreement, AgreementLine, Payment, AuditEvent, Employer)


@pytest.fixture
def lawyers(db, centres) -> list[Lawyer]:
    made = [
        Lawyer(
            name=f"特约律师{n}",
            certificate_no=f"14406201010{n:06d}",
            firm_name="广东南天律师事务所",
            active=n != 2,  # an inactive lawyer may still appear in an old ledger
        )
        for n in range(1, 5)
    ]
    db.add_all(made)
    db.flush()
    return made


def counts(db) -> dict[str, int]:
    return {
        model.__name__: db.exec(select(func.count()).select_from(model)).one() for model in TABLES
    }


def run(db, path: Path, scope: Scope = CITY, actor=None, dry_run=False):
    return import_ledger(
        db, path, path.name, actor=actor, scope=scope, today=TODAY, dry_run=dry_run
    )


def export_csv(db, case_filter: CaseFilter | None = None, access=FULL_ACCESS) -> list[dict]:
    conditions = filter_conditions(case_filter or CaseFilter(), CITY, TODAY)
    rows = ledger_rows(db, conditions, access)
    data = b"".join(csv_chunks(rows))
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def yuan(fen: int | None) -> str:
    return "" if fen is None else f"{fen_to_decimal(fen):.2f}"


def expected_cells(case: LedgerCase) -> dict[str, str]:
    """How the export writes a generated row (formula-like text escaped with ')."""
    reason = case.reason or ("台账未注明原因" if case.outcome == "不予受理" else "")
    return {
        "案件编号": case.number,
        "调解组织": case.centre,
        "收到申请日期": case.received_on.isoformat(),
        "受理日期": case.accepted_on.isoformat(),
        "案件来源": case.channel,
        "争议类别": case.category,
        "申请人数": str(case.worker_count),
        "申请人": "、".join(case.names),
        "被申请单位": case.employer,
        "统一社会信用代码": case.credit_code,
        "请求金额": yuan(case.claimed_fen),
        "特约律师": case.lawyer,
        "调解结果": case.outcome,
        "结案日期": case.closed_on.isoformat() if case.closed_on else "",
        "协议金额": yuan(case.agreed_fen),
        "实际到位金额": yuan(case.paid_fen or None),
        "新就业形态": "是" if case.new_employment else "否",
        "原因": escape_cell(reason),
        "备注": escape_cell(case.note),
        # The columns added later: a row in the older format was withdrawn after acceptance
        # (it gives a 受理日期), was signed on a day not known and had no extension.
        "撤回阶段": "受理后" if case.outcome == "撤回" else "",
        "协议签署日期": "",
        "延长天数": "",
        "同意延长日期": "",
    }


def short_names(centres) -> dict[str, str]:
    return {code: centre.short_name for code, centre in centres.items()}


def test_a_generated_ledger_round_trips_with_every_field_intact(db, centres, lawyers, tmp_path):
    certificates = [lawyer.certificate_no for lawyer in lawyers]
    generated = generate_rows(ROWS, short_names(centres), certificates, last_day=date(2026, 10, 1))
    source = write_csv(tmp_path / "南海区2021-2026台账.csv", generated)

    report = run(db, source)
    assert report.ok, [str(p) for p in report.problems[:10]]
    assert (report.rows, report.imported, report.skipped) == (ROWS, ROWS, 0)

    exported = export_csv(db)
    assert len(exported) == ROWS
    for case, row in zip(generated, exported, strict=True):
        assert row == expected_cells(case), case.number

    # What the import made of them, beyond the ledger's own columns.
    assert rollup_drift(db) == {}
    cases = {c.number: c for c in db.exec(select(Case))}
    by_number = {case.number: case for case in generated}
    statuses = {c.status for c in cases.values()}
    assert statuses == {"accepted", "in_mediation", "succeeded", "failed", "withdrawn", "refused"}
    for number, case in cases.items():
        source_row = by_number[number]
        assert case.imported_from == "南海区2021-2026台账.csv"
        assert case.worker_count == source_row.worker_count
        assert case.collective == (source_row.worker_count >= 10)
        if case.status == "succeeded":
            assert case.agreed_fen == source_row.agreed_fen
            assert case.paid_fen == source_row.paid_fen
        if source_row.outcome == "调解中":
            assert case.status == ("in_mediation" if source_row.lawyer else "accepted")
            assert case.mediation_due_on is not None
    workers = db.exec(select(func.count()).select_from(Worker)).one()
    assert workers == sum(case.worker_count for case in generated)
    placeholders = db.exec(select(func.count()).where(Worker.placeholder)).one()
    assert placeholders == sum(case.worker_count - len(case.names) for case in generated)
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert len(events) == ROWS
    assert all(
        e.actor == "命令行 import-ledger" and "南海区2021-2026台账.csv" in e.summary for e in events
    )

    # The exported file imports again as "nothing new": every row identical, all skipped.
    again = tmp_path / "导出.csv"
    again.write_bytes(b"".join(csv_chunks(ledger_rows(db, [], FULL_ACCESS))))
    before = counts(db)
    second = run(db, again)
    assert second.ok and (second.skipped, second.imported) == (ROWS, 0)
    assert counts(db) == before


def test_an_imported_success_is_an_ordinary_succeeded_case(db, centres, lawyers, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text(
        "案件编号,调解组织,受理日期,案件来源,争议类别,申请人数,申请人,被申请单位,"
        "统一社会信用代码,请求金额,特约律师,调解结果,结案日期,协议金额,实际到位金额\n"
        f"(2021)南里调字第15号,南海区里水镇劳动争议联合调解中心,2021年3月9日,现场申请,劳动报酬,10,"
        f'阿永、阿强,佛山市某包装印刷有限公司,91110108551385082Q,"250,000.00",'
        f'{lawyers[1].certificate_no},调解成功,2021/3/9,"227,675",227675.00\n',
        encoding="utf-8",
    )
    report = run(db, path)
    assert report.ok, [str(p) for p in report.problems]
    case = db.exec(select(Case).where(Case.number == "(2021)南里调字第15号")).one()
    assert (case.year, case.seq, case.status) == (2021, 15, "succeeded")
    assert case.received_on == case.accepted_on == case.closed_on == date(2021, 3, 9)
    assert (case.worker_count, case.collective, case.lawyer_id) == (10, True, lawyers[1].id)
    assert (case.claimed_fen, case.agreed_fen, case.paid_fen) == (
        25_000_000,
        22_767_500,
        22_767_500,
    )
    agreement = db.exec(select(Agreement).where(Agreement.case_id == case.id)).one()
    assert agreement.imported and agreement.effective_on == date(2021, 3, 9)
    # A paper agreement: the ledger gives no signing date, so none is invented.
    assert agreement.undated_paper
    assert (agreement.parties_signed_on, agreement.mediator_signed_on) == (None, None)
    assert agreement.centre_sealed_on is None
    workers = db.exec(select(Worker).where(Worker.case_id == case.id).order_by(Worker.position))
    names = [(w.name, w.placeholder) for w in workers]
    assert names[:3] == [("阿永", False), ("阿强", False), ("职工1", True)]
    assert names[-1] == ("职工8", True)
    line = db.exec(select(ClaimLine).where(ClaimLine.case_id == case.id)).one()
    assert (line.kind, line.claimed_fen) == ("工资", 25_000_000)
    employer = db.get(Employer, case.employer_id)
    assert (employer.name, employer.credit_code) == (
        "佛山市某包装印刷有限公司",
        "91110108551385082Q",
    )
    # Numbers issued later continue after the imported one.
    assert next_number(db, centres["NH-LS"], 2021) == (16, "(2021)南里调字第16号")
    assert rollup_drift(db) == {}
    # The search finds it by a part of the employer's name (the trigram index), and so it
    # does for an employer added after the import.
    assert db.exec(select(Case.id).where(search.case_condition("包装印刷"))).all() == [case.id]
    db.add(Employer(name="佛山市某五金制品有限公司"))
    db.flush()
    conditions = search._employer_conditions(search.parse_query("五金制品"))
    assert db.exec(select(Employer.name).where(or_(*conditions))).all() == [
        "佛山市某五金制品有限公司"
    ]


def test_a_number_in_another_form_gets_a_sequence_after_the_counter(db, centres, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text(
        "案件编号,调解组织,收到申请日期,受理日期,案件来源,争议类别,申请人数,被申请单位,请求金额,调解结果\n"
        "南里2022-001,NH-LS,2022-02-28,2022-03-01,电话,工伤,1,甲公司,1000,调解中\n"
        "(2022)南里调字第3号,NH-LS,2022-03-01,2022-03-01,电话,工伤,1,甲公司,1000,调解中\n",
        encoding="utf-8",
    )
    assert run(db, path).ok
    odd = db.exec(select(Case).where(Case.number == "南里2022-001")).one()
    assert (odd.year, odd.seq) == (2022, 4)  # after the highest (3) in the same file
    counter = db.get(CaseCounter, (centres["NH-LS"].id, 2022))
    assert counter.last_seq == 4


def test_a_year_and_sequence_or_credit_code_taken_by_stored_cases_is_reported(
    db, centres, tmp_path
):
    header = "案件编号,调解组织,收到申请日期,受理日期,案件来源,争议类别,申请人数,被申请单位,统一社会信用代码,请求金额,调解结果\n"  # noqa: E501
    first = tmp_path / "一.csv"
    first.write_text(
        header + "南里2022-001,NH-LS,2022-02-28,2022-03-01,电话,工伤,1,甲公司,"
        "91512081MA62K0260E,1000,调解中\n",
        encoding="utf-8",
    )
    assert run(db, first).ok  # stored as 2022, sequence 1 of 南里
    second = tmp_path / "二.csv"
    second.write_text(
        header + "(2022)南里调字第1号,NH-LS,2022-03-02,2022-03-02,电话,工伤,1,乙公司,,1000,调解中\n"
        "(2022)禅张调字第1号,CC-ZC,2022-03-02,2022-03-02,电话,工伤,1,丙公司,,1000,调解中\n"
        "(2022)南里调字第2号,NH-LS,2022-03-02,2022-03-02,电话,工伤,1,丁公司,"
        "91512081MA62K0260E,1000,调解中\n",
        encoding="utf-8",
    )
    before = counts(db)

    report = run(db, second)

    assert [str(p) for p in report.problems] == [
        "第2行「案件编号」年度和序号已被案件「南里2022-001」使用",
        "第4行「统一社会信用代码」已登记为「甲公司」，与「被申请单位」不一致",
    ]  # another centre's first case of 2022 is no conflict
    assert counts(db) == before


BROKEN_HEADER = [
    "案件编号", "调解组织", "收到申请日期", "受理日期", "案件来源", "争议类别", "申请人数",
    "申请人", "被申请单位", "统一社会信用代码", "请求金额", "特约律师", "调解结果", "结案日期",
    "协议金额", "实际到位金额", "新就业形态", "原因", "备注", "经办人", "撤回阶段",
]  # fmt: skip
GOOD = {
    "案件编号": "",
    "调解组织": "NH-LS",
    "收到申请日期": "2021-03-01",
    "受理日期": "2021-03-02",
    "案件来源": "现场申请",
    "争议类别": "劳动报酬",
    "申请人数": "2",
    "申请人": "张三、李四",
    "被申请单位": "佛山市甲制造有限公司",
    "统一社会信用代码": "91512081MA62K0260E",
    "请求金额": "10000",
    "特约律师": "",
    "调解结果": "调解成功",
    "结案日期": "2021-03-09",
    "协议金额": "8000",
    "实际到位金额": "8000",
    "新就业形态": "否",
    "原因": "",
    "备注": "",
    "经办人": "",
    "撤回阶段": "",
}
# (changes to a good row, the message expected for it). Row numbers start at 2.
BROKEN = [
    ({"受理日期": "2021-02-30"}, "「受理日期」日期不存在"),
    ({"受理日期": "3/9/2021"}, "「受理日期」日期格式不正确（例：2021-03-09）"),
    ({"受理日期": ""}, "「受理日期」未填写"),
    ({"收到申请日期": "2021-03-05"}, "「收到申请日期」不能晚于受理日期"),
    ({"统一社会信用代码": "91512081MA62K0260F"}, "「统一社会信用代码」校验位错误"),
    ({"统一社会信用代码": "91512081MA62K026"}, "「统一社会信用代码」应为18位（当前16位）"),
    ({"统一社会信用代码": "9151208IMA62K0260E"}, "「统一社会信用代码」含有非法字符「I」"),
    ({"调解组织": "NH-XX"}, "「调解组织」未知调解组织「NH-XX」"),
    ({"调解组织": ""}, "「调解组织」未填写"),
    ({"请求金额": "-500"}, "「请求金额」金额不能为负数"),
    ({"请求金额": "12.345"}, "「请求金额」金额最多保留两位小数"),
    ({"请求金额": "一万"}, "「请求金额」金额格式不正确"),
    ({"实际到位金额": "9000"}, "「实际到位金额」超过协议金额"),
    ({"协议金额": ""}, "「协议金额」未填写（调解结果为「调解成功」时必填）"),
    ({"调解结果": "已调解"},
     "「调解结果」无效「已调解」，应为：调解成功、调解不成、撤回、不予受理、调解中"),
    ({"调解结果": ""}, "「调解结果」未填写"),
    ({"案件来源": "信访"}, "「案件来源」无效「信访」"),
    ({"争议类别": "待遇"}, "「争议类别」无效「待遇」"),
    ({"申请人数": "0"}, "「申请人数」应为不小于1的整数"),
    ({"申请人数": "2.5"}, "「申请人数」应为不小于1的整数"),
    ({"申请人数": "1"}, "「申请人」列出2人，多于申请人数1"),
    ({"被申请单位": ""}, "「被申请单位」未填写"),
    ({"结案日期": "2021-03-01"}, "「结案日期」不能早于受理日期"),
    ({"结案日期": "2027-01-01"}, "「结案日期」不能晚于今天（2026-11-24）"),
    ({"结案日期": ""}, "「结案日期」未填写（调解结果为「调解成功」时必填）"),
    ({"调解结果": "调解中", "结案日期": "", "协议金额": "", "实际到位金额": "", "原因": "拖欠"},
     "「原因」仅调解不成、撤回、不予受理的案件填写"),
    ({"撤回阶段": "受理前"}, "「撤回阶段」仅撤回的案件填写（本行为「调解成功」）"),
    ({"特约律师": "王律师"}, "「特约律师」律师名册中没有「王律师」"),
    ({"新就业形态": "Y"}, "「新就业形态」应为「是」或「否」"),
    ({"案件编号": ""}, "「案件编号」未填写"),
]  # fmt: skip


def test_every_problem_is_reported_with_row_and_column_and_nothing_is_written(
    db, centres, lawyers, tmp_path
):
    assert len(BROKEN) == 30
    path = tmp_path / "有错误的台账.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(BROKEN_HEADER)
        writer.writerow([{**GOOD, "案件编号": "(2021)南里调字第1号"}[c] for c in BROKEN_HEADER])
        for index, (changes, _) in enumerate(BROKEN):
            row = {**GOOD, "案件编号": f"(2021)南里调字第{index + 2}号", **changes}
            writer.writerow([row[c] for c in BROKEN_HEADER])
        writer.writerow([{**GOOD, "案件编号": "(2021)南里调字第1号"}[c] for c in BROKEN_HEADER])
    before = counts(db)

    report = run(db, path)

    messages = [str(problem) for problem in report.problems]
    not_imported = [c.header for c in report.mapping.columns if not c.field]
    assert not_imported == ["经办人"]  # a column the ledger does not keep is left out
    for index, (_, expected) in enumerate(BROKEN):
        row = index + 3  # the header is row 1, a good row is row 2
        assert any(m.startswith(f"第{row}行{expected}") for m in messages), (row, expected)
    assert f"第{len(BROKEN) + 3}行「案件编号」与第2行重复" in messages
    assert len(messages) == len(BROKEN) + 1
    assert not report.ok and report.imported == 0 and report.new == []
    assert counts(db) == before


def test_missing_required_columns_are_named_once(db, centres, tmp_path):
    path = tmp_path / "缺列.csv"
    path.write_text("案件编号,调解组织,受理日期\n(2021)南里调字第1号,NH-LS,2021-03-01\n", "utf-8")
    report = run(db, path)
    messages = [str(p) for p in report.problems]
    for column in ("争议类别", "申请人数", "被申请单位", "调解结果"):
        assert f"第1行：缺少必填列「{column}」" in messages
        assert f"第2行「{column}」未填写" in messages
    # 案件来源 is chosen for the whole file; 请求金额 is taken as 0 and the preview says so.
    assert "第1行：缺少必填列「案件来源」：请为本台账选择案件来源" in messages
    assert not any("请求金额" in m for m in messages)
    assert "台账没有「请求金额」列：请求金额按 0 元计" in report.notes


def test_a_gb18030_csv_imports(db, centres, tmp_path):
    path = tmp_path / "gbk台账.csv"
    text = (
        "案件编号,调解组织,受理日期,案件来源,争议类别,申请人数,申请人,被申请单位,请求金额,"
        "调解结果,结案日期,原因\n"
        "(2023)禅张调字第7号,禅城区张槎街道劳动争议联合调解中心,2023-06-01,网上申请,"
        "解除/终止劳动合同,1,欧阳䶮,佛山市禅城区乙陶瓷有限公司,5000,调解不成,2023-06-20,"
        "用人单位拒绝调解\n"
    )
    path.write_bytes(text.encode("gb18030"))
    report = run(db, path)
    assert report.ok, [str(p) for p in report.problems]
    case = db.exec(select(Case).where(Case.number == "(2023)禅张调字第7号")).one()
    assert (case.status, case.failure_reason, case.outcome_note) == (
        "failed",
        "other",
        "用人单位拒绝调解",
    )
    worker = db.exec(select(Worker).where(Worker.case_id == case.id)).one()
    assert worker.name == "欧阳䶮"  # a character outside GBK, inside GB18030
    line = db.exec(select(ClaimLine).where(ClaimLine.case_id == case.id)).one()
    assert line.kind == "经济补偿金"


def test_a_utf8_csv_with_one_bad_byte_is_reported_not_read_as_gb18030(db, centres, tmp_path):
    """Decoding the whole file as GB18030 because of one damaged byte would import every name
    as mojibake: the file is refused with the line of the bad byte (issue 15)."""
    path = tmp_path / "坏字节.csv"
    rows = generate_rows(5, short_names(centres), [], seed=3, last_day=date(2026, 1, 1))
    data = write_csv(tmp_path / "好.csv", rows).read_bytes()
    lines = data.split(b"\n")
    lines[3] = lines[3].replace(b",", b",\xff", 1)
    path.write_bytes(b"\n".join(lines))
    before = counts(db)
    report = run(db, path)
    assert not report.ok
    assert any("第4行" in str(p) and "UTF-8" in str(p) for p in report.problems), [
        str(p) for p in report.problems
    ]
    assert counts(db) == before


def test_reimport_skips_identical_rows_and_names_the_fields_that_differ(db, centres, tmp_path):
    rows = generate_rows(40, short_names(centres), [], seed=7, last_day=date(2026, 1, 1))
    first = write_csv(tmp_path / "一.csv", rows)
    assert run(db, first).imported == 40
    again = run(db, first)
    assert again.ok and (again.skipped, again.imported) == (40, 0)

    changed = list(rows)
    original = changed[5]
    category = "工伤" if original.category != "工伤" else "其他"
    changed[5] = LedgerCase(
        **{**vars(original), "claimed_fen": original.claimed_fen + 100, "category": category}
    )
    changed[6] = LedgerCase(**{**vars(rows[6]), "employer": rows[6].employer + "（新）"})
    before = counts(db)
    report = run(db, write_csv(tmp_path / "二.csv", changed))
    messages = [str(p) for p in report.problems]
    assert messages == [
        f"第7行「案件编号」{original.number}已登记，与台账不一致的字段：争议类别、请求金额",
        f"第8行「案件编号」{rows[6].number}已登记，与台账不一致的字段：被申请单位",
    ]
    assert report.skipped == 38 and counts(db) == before


# -- 法律服务案件 ----------------------------------------------------------------------------

LEGAL_HEADER = ["案件编号", "承办单位", "服务类型", "受理日期", "受援职工人数", "特约律师",
                "结果", "结案日期", "挽回金额", "备注"]  # fmt: skip
LEGAL_ROWS = [
    ["(2021)南里法援字第1号", "NH-LS", "仲裁代理", "2021-03-09", "3", "14406201010000001",
     "胜诉", "2021/5/20", "12,345.67", "欠薪仲裁"],
    ["(2021)南里法援字第2号", "南海区里水镇劳动争议联合调解中心", "诉讼代理", "2021年4月1日",
     "1", "特约律师2", "办理中", "", "", ""],
    ["(2021)禅张法援字第1号", "CC-ZC", "仲裁代理", "2021-06-01", "5", "", "部分胜诉",
     "2021-08-01", "3000", "=工伤"],
]  # fmt: skip
LEGAL_TABLES = (LegalCase, LegalWorker, Case, Worker, AuditEvent)


def legal_counts(db) -> dict[str, int]:
    return {
        model.__name__: db.exec(select(func.count()).select_from(model)).one()
        for model in LEGAL_TABLES
    }


def write_legal_csv(path: Path, rows: list[list[str]], header=LEGAL_HEADER) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_legal_service_csv_imports_as_legal_cases(db, centres, lawyers, tmp_path):
    before = legal_counts(db)
    report = run(db, write_legal_csv(tmp_path / "法律服务.csv", LEGAL_ROWS))
    assert report.ok, [str(p) for p in report.problems]
    assert report.kind == "法律服务案件"
    assert (report.rows, report.legal_imported, report.imported) == (3, 3, 0)
    first = db.exec(select(LegalCase).where(LegalCase.number == "(2021)南里法援字第1号")).one()
    assert (first.service_type, first.outcome, first.closed_on, first.lawyer_id) == (
        "仲裁代理",
        "胜诉",
        date(2021, 5, 20),
        lawyers[0].id,
    )
    workers = db.exec(
        select(LegalWorker).where(LegalWorker.legal_case_id == first.id).order_by(LegalWorker.id)
    ).all()
    assert [(w.name, w.recovered_fen) for w in workers] == [
        ("职工1", 1_234_567),
        ("职工2", 0),
        ("职工3", 0),
    ]
    pending = db.exec(select(LegalCase).where(LegalCase.number == "(2021)南里法援字第2号")).one()
    assert pending.lawyer_id == lawyers[1].id  # an inactive lawyer, by name
    assert pending.closed_on is None and pending.centre_id == centres["NH-LS"].id
    after = legal_counts(db)
    assert after["LegalCase"] - before["LegalCase"] == 3
    assert after["LegalWorker"] - before["LegalWorker"] == 9
    assert after["Case"] == before["Case"]
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "legal_import")).all()
    assert len(events) == 3 and all("法律服务.csv" in e.summary for e in events)

    stats = legal_statistics(db, Period(date(2021, 1, 1), date(2021, 12, 31)), None)
    assert (stats["cases"], stats["worker_times"], stats["recovered_fen"]) == (3, 9, 1_534_567)


LEGAL_BROKEN = [
    (
        {"服务类型": "法律援助"},
        "「服务类型」无效「法律援助」，应为：仲裁代理、诉讼代理、法律咨询、代写文书",
    ),
    ({"承办单位": "XX"}, "「承办单位」未知承办单位「XX」"),
    ({"受理日期": "2021-13-01"}, "「受理日期」"),
    ({"受理日期": "2027-01-01", "结果": "办理中", "结案日期": ""}, "「受理日期」不能晚于今天"),
    ({"受援职工人数": "0"}, "「受援职工人数」应为不小于1的整数"),
    ({"受援职工人数": "2.5"}, "「受援职工人数」应为不小于1的整数"),
    ({"特约律师": "王律师"}, "「特约律师」律师名册中没有「王律师」"),
    ({"结果": "赢了"}, "「结果」无效「赢了」"),
    ({"结案日期": ""}, "「结案日期」未填写（结果为「胜诉」时必填）"),
    ({"结案日期": "2021-03-01"}, "「结案日期」不能早于受理日期"),
    ({"结果": "办理中"}, "「结案日期」办理中的案件不填写结案日期"),
    ({"挽回金额": "12.345"}, "「挽回金额」"),
    ({"案件编号": ""}, "「案件编号」未填写"),
]


def test_broken_legal_rows_are_reported_precisely_and_nothing_is_written(
    db, centres, lawyers, tmp_path
):
    good = dict(zip(LEGAL_HEADER, LEGAL_ROWS[0], strict=True))
    rows = [LEGAL_ROWS[0]]
    for index, (changes, _) in enumerate(LEGAL_BROKEN):
        row = {**good, "案件编号": f"(2021)南里法援字第{index + 10}号", **changes}
        rows.append([row[c] for c in LEGAL_HEADER])
    rows.append(LEGAL_ROWS[0])  # a duplicate of row 2
    before = legal_counts(db)

    report = run(db, write_legal_csv(tmp_path / "有错误.csv", rows))

    messages = [str(problem) for problem in report.problems]
    for index, (_, expected) in enumerate(LEGAL_BROKEN):
        row = index + 3
        assert any(m.startswith(f"第{row}行{expected}") for m in messages), (row, expected)
    assert f"第{len(LEGAL_BROKEN) + 3}行「案件编号」与第2行重复" in messages
    assert len(messages) == len(LEGAL_BROKEN) + 1
    assert report.legal_new == [] and report.legal_imported == 0
    assert legal_counts(db) == before


def test_a_workbook_with_both_sheets_is_checked_as_a_whole(db, centres, lawyers, tmp_path):
    workbook = openpyxl.Workbook()
    mediation_sheet = workbook.active
    mediation_sheet.title = "调解案件"
    mediation_sheet.append(list(BROKEN_HEADER))
    mediation_sheet.append([{**GOOD, "案件编号": "(2021)南里调字第1号"}[c] for c in BROKEN_HEADER])
    legal_sheet = workbook.create_sheet("法律服务案件")
    legal_sheet.append(LEGAL_HEADER)
    legal_sheet.append([*LEGAL_ROWS[0][:2], "法律援助", *LEGAL_ROWS[0][3:]])
    path = tmp_path / "两类台账.xlsx"
    workbook.save(path)
    before = legal_counts(db)

    report = run(db, path)

    messages = [str(problem) for problem in report.problems]
    assert (
        "「法律服务案件」工作表第2行「服务类型」无效「法律援助」，"
        "应为：仲裁代理、诉讼代理、法律咨询、代写文书"
    ) in messages
    assert [c.header for c in report.mapping.columns if not c.field] == ["经办人"]
    assert legal_counts(db) == before  # the good mediation row is not written either

    legal_sheet.delete_rows(2)
    legal_sheet.append(LEGAL_ROWS[0])
    mediation_sheet.delete_cols(BROKEN_HEADER.index("经办人") + 1)
    workbook.save(path)
    report = run(db, path)
    assert report.ok, [str(p) for p in report.problems]
    assert report.kind == "调解案件、法律服务案件"
    assert (report.rows, report.imported, report.legal_imported) == (2, 1, 1)


def test_legal_reimport_skips_identical_rows_and_names_the_fields_that_differ(
    db, centres, lawyers, tmp_path
):
    path = write_legal_csv(tmp_path / "一.csv", LEGAL_ROWS)
    assert run(db, path).legal_imported == 3
    again = run(db, path)
    assert again.ok and (again.legal_skipped, again.legal_imported) == (3, 0)

    changed = [list(row) for row in LEGAL_ROWS]
    changed[0][4] = "4"  # 受援职工人数
    changed[0][8] = "12345.68"  # 挽回金额
    changed[2][5] = lawyers[0].certificate_no
    before = legal_counts(db)
    report = run(db, write_legal_csv(tmp_path / "二.csv", changed))
    assert [str(p) for p in report.problems] == [
        "第2行「案件编号」(2021)南里法援字第1号已登记，与台账不一致的字段：受援职工人数、挽回金额",
        "第4行「案件编号」(2021)禅张法援字第1号已登记，与台账不一致的字段：特约律师",
    ]
    assert report.legal_skipped == 1 and legal_counts(db) == before


def test_legal_rows_only_into_centres_in_scope(db, centres, lawyers, make_user, tmp_path):
    supervisor = make_user("centre_supervisor", "NH-LS")
    path = write_legal_csv(tmp_path / "法律服务.csv", LEGAL_ROWS)
    report = run(db, path, scope=scope_of(db, supervisor), actor=supervisor)
    assert [str(p) for p in report.problems] == [
        "第4行「承办单位」无权导入到「禅城区张槎街道劳动争议联合调解中心」：不在您的管理范围内"
    ]
    assert db.exec(select(func.count()).select_from(LegalCase)).one() == 0


def test_legal_cases_round_trip_through_the_export(db, centres, lawyers, tmp_path):
    assert run(db, write_legal_csv(tmp_path / "原.csv", LEGAL_ROWS)).legal_imported == 3
    # A case made in the tracker (not from a ledger) exports too; so does advice, which the
    # statistics count apart, so that the round trip keeps that figure as well.
    nh = centres["NH-LS"]
    made = create_legal_case(
        db, None, nh, "诉讼代理", date(2022, 1, 5), [LegalWorkerData("张三")], today=TODAY
    )
    advice = create_legal_case(
        db, None, nh, "法律咨询", date(2022, 1, 6), [LegalWorkerData("李四")], today=TODAY
    )
    data = b"".join(csv_chunks(legal_ledger_rows(db, []), columns=LEGAL_COLUMNS))
    exported = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["案件编号"] for row in exported] == [
        *(r[0] for r in LEGAL_ROWS),
        made.number,
        advice.number,
    ]
    assert exported[-1]["服务类型"] == "法律咨询"
    assert exported[0] == {
        **dict(zip(LEGAL_HEADER, LEGAL_ROWS[0], strict=True)),
        "受理日期": "2021-03-09",
        "结案日期": "2021-05-20",
        "挽回金额": "12345.67",
    }
    assert exported[1]["承办单位"] == "NH-LS" and exported[1]["特约律师"] == "14406201010000002"
    assert exported[2]["备注"] == "'=工伤"  # escaped, and unescaped on import

    # Into an empty database: the same cases and figures again.
    workbook_path = tmp_path / "导出.xlsx"
    export_xlsx(
        ledger_rows(db, [], FULL_ACCESS),
        workbook_path,
        legal_ledger_rows(db, []),
    )
    period = Period(date(2021, 1, 1), date(2022, 12, 31))
    figures = legal_statistics(db, period, None)
    # the advice record is counted apart, and comes back with the rest
    assert figures["other_services"] == {"consultations": 1, "documents": 0}
    for model in (AuditEvent, LegalWorker, LegalCase):
        db.exec(delete(model))
    db.flush()
    report = run(db, workbook_path)
    assert report.ok, [str(p) for p in report.problems]
    assert (report.legal_imported, report.imported) == (5, 0)
    assert legal_statistics(db, period, None) == figures
    again = run(db, workbook_path)
    assert again.ok and (again.legal_skipped, again.legal_imported) == (5, 0)


def test_an_xlsx_with_excel_dates_and_numbers_imports(db, centres, lawyers, tmp_path):
    rows = generate_rows(60, short_names(centres), [lawyers[0].certificate_no], seed=3)
    report = run(db, write_xlsx(tmp_path / "台账.xlsx", rows))
    assert report.ok, [str(p) for p in report.problems[:5]]
    assert report.imported == 60
    exported = export_csv(db)
    assert [row["受理日期"] for row in exported] == [r.accepted_on.isoformat() for r in rows]
    assert [row["请求金额"] for row in exported] == [yuan(r.claimed_fen) for r in rows]


def test_a_user_imports_only_into_centres_in_scope(db, centres, make_user, tmp_path):
    supervisor = make_user("centre_supervisor", "NH-LS")
    rows = generate_rows(4, {"NH-LS": "南里", "CC-ZC": "禅张"}, [])
    report = run(db, write_csv(tmp_path / "跨中心.csv", rows), scope=scope_of(db, supervisor))
    assert [str(p) for p in report.problems] == [
        f"第{n}行「调解组织」无权导入到「禅城区张槎街道劳动争议联合调解中心」：不在您的管理范围内"
        for n in (2, 4)
    ]


def test_export_escapes_formulas_and_import_strips_the_quote(db, centres, tmp_path):
    path = tmp_path / "公式.csv"
    path.write_text(
        "案件编号,调解组织,受理日期,案件来源,争议类别,申请人数,申请人,被申请单位,请求金额,"
        "调解结果,备注\n"
        '=HYPERLINK("x"),NH-LS,2021-03-02,电话,其他,1,@张三,"=1+2",100,调解中,"+86 来电"\n',
        encoding="utf-8",
    )
    assert run(db, path).ok
    case = db.exec(select(Case)).one()
    assert case.number == '=HYPERLINK("x")' and case.note == "+86 来电"
    row = export_csv(db)[0]
    assert row["案件编号"] == '\'=HYPERLINK("x")'
    assert (row["申请人"], row["被申请单位"], row["备注"]) == ("'@张三", "'=1+2", "'+86 来电")

    workbook_path = tmp_path / "导出.xlsx"
    export_xlsx(ledger_rows(db, [], FULL_ACCESS), workbook_path)
    sheet = openpyxl.load_workbook(workbook_path)["调解案件"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == '\'=HYPERLINK("x")'
    assert sheet["K2"].value == Decimal("100") or sheet["K2"].value == 100
    # The quote is stripped again: the exported workbook is the same case, skipped.
    again = run(db, workbook_path)
    assert again.ok and again.skipped == 1


def test_names_are_masked_for_roles_without_personal_data(db, centres, make_user, tmp_path):
    path = tmp_path / "姓名.csv"
    path.write_text(
        "案件编号,调解组织,受理日期,案件来源,争议类别,申请人数,申请人,被申请单位,请求金额,调解结果\n"
        "A-1,NH-LS,2021-03-02,电话,其他,3,张三、欧阳娜娜,甲公司,100,调解中\n",
        encoding="utf-8",
    )
    assert run(db, path).ok
    city = personal_data_access(db, make_user("city_supervisor"))
    mediator = personal_data_access(db, make_user("mediator", "NH-LS"))
    assert export_csv(db, access=city)[0]["申请人"] == "张*、欧*"
    assert export_csv(db, access=mediator)[0]["申请人"] == "张三、欧阳娜娜"


def test_export_leaves_out_unaccepted_and_voided_cases(db, make_case, make_user):
    actor = make_user("mediator", "NH-LS")
    make_case("NH-LS", actor=actor)  # received, not yet accepted
    voided = make_case("NH-LS", actor=actor)
    from mediation.cases import lifecycle

    lifecycle.void(db, voided, actor, "重复登记", today=TODAY)
    accepted = make_case("NH-LS", actor=actor)
    lifecycle.accept(db, accepted, actor, date(2024, 5, 7), today=TODAY)
    exported = export_csv(db)
    assert [row["案件编号"] for row in exported] == [accepted.number]
    assert exported[0]["申请人"] == "职工1、职工2"  # named in the app, so not placeholders


def test_the_rollup_counts_imported_cases(db, centres, tmp_path):
    rows = generate_rows(50, short_names(centres), [], seed=11)
    assert run(db, write_csv(tmp_path / "统计.csv", rows)).ok
    assert db.exec(select(func.count()).select_from(CaseRollup)).one() > 0
    assert rollup_drift(db) == {}


def test_receipt_and_acceptance_dates_before_2008_are_reported_at_their_cells(
    db, centres, tmp_path
):
    path = tmp_path / "早于2008.csv"
    path.write_text(
        "案件编号,调解组织,收到申请日期,受理日期,案件来源,争议类别,申请人数,申请人,被申请单位,"
        "请求金额,调解结果,结案日期,原因\n"
        "(2023)禅张调字第7号,禅城区张槎街道劳动争议联合调解中心,0001-01-01,2007-12-31,网上申请,"
        "劳动报酬,1,欧阳䶮,佛山市禅城区乙陶瓷有限公司,5000,调解不成,2023-06-20,拒绝调解\n",
        "utf-8",
    )
    before = counts(db)
    messages = [str(p) for p in run(db, path).problems]
    assert "第2行「收到申请日期」不能早于2008-01-01" in messages, messages
    assert "第2行「受理日期」不能早于2008-01-01" in messages, messages
    assert counts(db) == before
