"""The ledger columns added for an exact round trip: 撤回阶段, 协议签署日期, 延长天数 and
同意延长日期, and 实际到位金额 on any row. A file without them reads as it always did."""

from datetime import date

from sqlmodel import select

from mediation.ledger.importing import import_ledger
from mediation.scope import Scope
from mediation.statistics.figures import statistics
from mediation.statistics.period import Period
from mediation.statistics.rollup import rollup_drift
from models import Agreement, Case, Payment

TODAY = date(2026, 11, 24)
HEADER = (
    "案件编号,调解组织,收到申请日期,受理日期,案件来源,争议类别,申请人数,被申请单位,请求金额,"
    "调解结果,结案日期,协议金额,实际到位金额,撤回阶段,协议签署日期,延长天数,同意延长日期\n"
)
MAY = Period(date(2024, 5, 1), date(2024, 5, 31))


def run(db, tmp_path, rows: str, name="新列.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return import_ledger(db, path, name, actor=None, scope=Scope(None), today=TODAY)


def case(db, number: str) -> Case:
    return db.exec(select(Case).where(Case.number == number)).one()


def test_each_added_column_imports_what_it_says(db, centres, tmp_path):
    report = run(
        db,
        tmp_path,
        "(2024)南里调字第1号,NH-LS,2024-05-06,,现场申请,劳动报酬,2,甲公司,1000,撤回,2024-05-08,,,"
        "受理前,,,\n"
        "(2024)南里调字第2号,NH-LS,2024-05-06,2024-05-07,现场申请,劳动报酬,1,乙公司,1000,撤回,"
        "2024-05-09,,,受理后,,,\n"
        "(2024)南里调字第3号,NH-LS,2024-05-06,2024-05-07,现场申请,劳动报酬,1,丙公司,1000,"
        "调解成功,2024-05-20,800,300,,2024-05-18,10,2024-05-15\n"
        "(2024)南里调字第4号,NH-LS,2024-05-06,2024-05-07,现场申请,劳动报酬,1,丁公司,1000,"
        "调解不成,2024-05-21,,200,,,,\n",
    )
    assert report.ok, [str(p) for p in report.problems]
    before = case(db, "(2024)南里调字第1号")
    assert (before.status, before.accepted_on, before.mediation_due_on) == ("withdrawn", None, None)
    assert case(db, "(2024)南里调字第2号").accepted_on == date(2024, 5, 7)
    signed = case(db, "(2024)南里调字第3号")
    assert (signed.extension_days, signed.extension_consent_on) == (10, date(2024, 5, 15))
    assert signed.mediation_due_on == date(2024, 6, 3)  # 25 days from 7 May: Sunday 2 June rolls
    agreement = db.exec(select(Agreement).where(Agreement.case_id == signed.id)).one()
    assert agreement.parties_signed_on == agreement.centre_sealed_on == date(2024, 5, 18)
    assert agreement.effective_on == date(2024, 5, 18) and not agreement.undated_paper
    failed = case(db, "(2024)南里调字第4号")
    payment = db.exec(select(Payment).where(Payment.case_id == failed.id)).one()
    assert (failed.paid_fen, payment.amount_fen) == (20_000, 20_000)

    figures = statistics(db, MAY, [centres["NH-LS"].id], TODAY).total
    # Withdrawn before acceptance counts nowhere; the failed case's payment is not "paid".
    assert (figures.handled, figures.withdrawn, figures.succeeded) == (3, 1, 1)
    assert (figures.recovered_fen, figures.paid_fen) == (80_000, 30_000)
    assert rollup_drift(db) == {}


def test_the_added_columns_are_checked(db, centres, tmp_path):
    report = run(
        db,
        tmp_path,
        "(2024)南里调字第1号,NH-LS,,,现场申请,劳动报酬,1,甲公司,1000,撤回,2024-05-08,,,受理前,,,\n"
        "(2024)南里调字第2号,NH-LS,2024-05-06,2024-05-07,现场申请,劳动报酬,1,乙公司,1000,撤回,"
        "2024-05-09,,,受理前,,,\n"
        "(2024)南里调字第3号,NH-LS,2024-05-06,2024-05-07,现场申请,劳动报酬,1,丙公司,1000,"
        "调解不成,2024-05-20,,,受理后,2024-05-18,,\n"
        "(2024)南里调字第4号,NH-LS,2024-05-06,2024-05-07,现场申请,劳动报酬,1,丁公司,1000,"
        "调解成功,2024-05-21,900,,,2024-05-22,16,\n"
        "(2024)南里调字第5号,NH-LS,2024-05-06,,现场申请,劳动报酬,1,戊公司,1000,撤回,2024-05-08,"
        ",,受理中,,,\n",
    )
    assert [str(p) for p in report.problems] == [
        "第2行「收到申请日期」未填写（撤回阶段为「受理前」时必填）",
        "第3行「受理日期」撤回阶段为「受理前」的案件不填写受理日期",
        "第4行「撤回阶段」仅撤回的案件填写（本行为「调解不成」）",
        "第4行「协议签署日期」仅调解成功的案件填写（本行为「调解不成」）",
        "第5行「协议签署日期」不能晚于结案日期",
        "第5行「延长天数」延长天数为1至15天",
        "第5行「同意延长日期」未填写",
        "第6行「受理日期」未填写",
        "第6行「撤回阶段」无效「受理中」，应为：受理前、受理后",
    ]
    assert report.imported == 0


def test_an_imported_success_without_a_signing_date_is_an_undated_paper_agreement(
    db, centres, tmp_path
):
    report = run(
        db,
        tmp_path,
        "(2024)南里调字第7号,NH-LS,2024-05-06,2024-05-07,现场申请,劳动报酬,1,甲公司,1000,"
        "调解成功,2024-05-20,800,,,,,\n",
    )
    assert report.ok
    imported = case(db, "(2024)南里调字第7号")
    agreement = db.exec(select(Agreement).where(Agreement.case_id == imported.id)).one()
    assert agreement.undated_paper and agreement.effective_on == date(2024, 5, 20)
    assert (agreement.parties_signed_on, agreement.mediator_signed_on) == (None, None)
    # Still effective for the statistics: the ledger says 调解成功.
    figures = statistics(db, MAY, [centres["NH-LS"].id], TODAY).total
    assert (figures.succeeded, figures.recovered_fen) == (1, 80_000)
