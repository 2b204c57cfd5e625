"""Printable documents: what applies to which case, what the PDF says, who may print, audit."""

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from conftest import TODAY, resident_id
from mediation.cases import assignment, lifecycle
from mediation.cases.agreements import claim_lines, default_terms, save_agreement
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.cases.payments import pay_outstanding
from mediation.dates import TZ
from mediation.dates import now as local_now
from mediation.identifiers import credit_code_check_char
from models import AccessKind, AccessRecord, AuditEvent, Worker

ARTICLE_DAY = date(2021, 3, 9)
ARTICLE_WORKERS = [  # 10 workers, 227,675.00 yuan between them
    ("阿永", 28_675_00),
    ("李明华", 23_400_00),
    ("王秀英", 22_800_00),
    ("张伟强", 22_500_00),
    ("刘芳", 21_900_00),
    ("陈志强", 21_600_00),
    ("杨丽娟", 21_300_00),
    ("黄建国", 22_100_00),
    ("赵敏", 21_700_00),
    ("周小红", 21_700_00),
]
EMPLOYER = "佛山市南海区恒彩包装印刷有限公司"

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="pdftotext/pdffonts (poppler-utils) not installed: `make fonts` installs them",
)


def _credit_code() -> str:
    first17 = "91440605MA4UJ8K2X"
    return first17 + credit_code_check_char(first17)


@pytest.fixture
def mediator(make_user):
    return make_user("mediator", "NH-LS", display_name="梁敏")


@pytest.fixture
def article(db, mediator, centres):
    """The article's case: 阿永 and nine others against a packaging-printing company, settled
    at the Lishui joint centre on 2021-03-09 in a 130-minute session, 227,675 yuan, all paid."""
    data = IntakeData(
        channel="现场申请",
        received_on=ARTICLE_DAY,
        category="劳动报酬",
        employer=EmployerData(
            name=EMPLOYER,
            credit_code=_credit_code(),
            legal_rep="陈永发",
            address="佛山市南海区里水镇和顺工业区8号",
            phone="0757-85601234",
        ),
        workers=[
            WorkerData(
                name=name,
                id_number=resident_id(index + 1),
                phone=f"1392000{index:04d}",
                job="印刷工",
                representative=index == 0,
                claims=[ClaimData("工资", amount)],
            )
            for index, (name, amount) in enumerate(ARTICLE_WORKERS)
        ],
        requests="请求被申请人支付拖欠的工资。",
        facts="申请人均为被申请人员工，被申请人拖欠申请人2020年10月至2021年2月工资。",
    )
    case = intake(db, mediator, centres["NH-LS"], data, today=TODAY)
    assignment.assign(db, case, mediator, mediator.id, None)
    lifecycle.accept(db, case, mediator, ARTICLE_DAY, today=TODAY)
    lifecycle.record_session(
        db,
        case,
        mediator,
        datetime(2021, 3, 9, 9, 30, tzinfo=TZ),
        130,
        "里水镇劳动争议联合调解中心调解室",
        "申请人代表阿永；被申请人委托代理人",
        "经调解员释法说理，被申请人同意当日支付全部拖欠工资。",
    )
    lines = {line.id: line.claimed_fen for _, line, _ in claim_lines(db, case)}
    save_agreement(
        db,
        case,
        mediator,
        terms="一、被申请人于2021年3月9日向各申请人支付拖欠工资，金额见协议金额表。",
        payment_method="银行转账",
        copies=3,
        lines=lines,
        instalments=[(ARTICLE_DAY, 227_675_00)],
        parties_signed_on=ARTICLE_DAY,
        mediator_signed_on=ARTICLE_DAY,
        centre_sealed_on=ARTICLE_DAY,
        today=TODAY,
    )
    pay_outstanding(db, case, mediator, paid_on=ARTICLE_DAY, method="银行转账", today=TODAY)
    db.flush()
    return case


def in_mediation(db, make_case, mediator, workers=2):
    case = make_case("NH-LS", workers=workers, actor=mediator)
    lifecycle.accept(db, case, mediator, date(2024, 5, 7), today=TODAY)
    assignment.assign(db, case, mediator, mediator.id, None)
    lifecycle.record_session(
        db, case, mediator, datetime(2024, 5, 8, 14, 0, tzinfo=TZ), 60, "调解室", "", "第一次调解"
    )
    return case


def pdf_text(tmp_path, pdf: bytes) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def audit_summaries(db, case) -> list[str]:
    """The access log's records of the case's documents: kind and what was printed."""
    return [
        f"{AccessKind(kind).label}：{detail}"
        for kind, detail in db.exec(
            select(AccessRecord.kind, AccessRecord.detail)
            .where(
                AccessRecord.case_id == case.id,
                AccessRecord.kind.in_([AccessKind.DOCUMENT, AccessKind.DOCUMENT_PDF]),
            )
            .order_by(AccessRecord.id)
        )
    ]


@needs_poppler
def test_article_agreement_pdf_lists_every_worker_and_the_total(
    client, login_as, article, tmp_path
):
    login_as("mediator", "NH-LS")
    response = client.get(f"/cases/{article.id}/print/agreement.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    text = flat(pdf_text(tmp_path, response.data))
    assert "调解协议书" in text  # the title came out in real glyphs, not empty boxes
    for name, _ in ARTICLE_WORKERS:
        assert name in text
    assert "227,675.00" in text
    assert "贰拾贰万柒仟陆佰柒拾伍元整" in text
    assert flat(article.number) in text
    assert EMPLOYER in text and "阿永" in text
    assert "仲裁审查" in text and "司法确认" in text and "支付令" in text
    assert "草稿" not in text
    assert resident_id(1) in text  # a mediator of the centre sees the ID numbers in full

    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "doc.pdf")], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all("CJK" in line for line in fonts)
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts)  # emb sub uni


@needs_poppler
def test_a_60_worker_roster_paginates_with_number_and_page_on_every_page(
    db, client, login_as, make_case, mediator, tmp_path
):
    case = make_case("NH-LS", workers=60, actor=mediator)
    login_as("mediator", "NH-LS")
    response = client.get(f"/cases/{case.id}/print/roster.pdf")
    assert response.status_code == 200
    pages = [flat(page) for page in pdf_text(tmp_path, response.data).split("\f") if page.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert flat(case.number) in page
        assert f"第{number}页共{len(pages)}页" in page
        assert "证件号码" in page  # the table header repeats
    everything = "".join(pages)
    assert all(f"职工{i}" in everything for i in range(1, 61))


def test_html_page_is_print_ready(client, login_as, article):
    login_as("mediator", "NH-LS")
    response = client.get(f"/cases/{article.id}/print/agreement")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "css/sheet.css" in html and "css/app.css" not in html
    assert 'class="toolbar no-print"' in html
    assert f'href="/cases/{article.id}/print/agreement.pdf"' in html
    assert "style=" not in html and "<script>" not in html
    assert "贰拾贰万柒仟陆佰柒拾伍元整" in html
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "doc,title",
    [
        ("application", "调解申请书"),
        ("sheet", "受理登记表"),
        ("acceptance", "受理通知书"),
        ("minutes", "调解笔录"),
        ("agreement", "调解协议书"),
        ("service", "送达回证"),
        ("roster", "职工名册"),
    ],
)
def test_every_document_of_the_article_case_prints(client, login_as, article, doc, title):
    login_as("mediator", "NH-LS")
    page = client.get(f"/cases/{article.id}/print/{doc}")
    assert page.status_code == 200
    assert f'<h1 class="doc-title">{title}</h1>' in page.get_data(as_text=True)
    assert article.number in page.get_data(as_text=True)


def test_case_page_lists_the_documents_that_apply(client, login_as, article):
    login_as("mediator", "NH-LS")
    html = client.get(f"/cases/{article.id}").get_data(as_text=True)
    for doc in ("application", "sheet", "acceptance", "agreement", "service", "roster"):
        assert f"/cases/{article.id}/print/{doc}.pdf" in html
    assert f"/cases/{article.id}/print/minutes.pdf?session=" in html
    assert f"/cases/{article.id}/print/failure" not in html


def test_documents_that_do_not_apply_answer_404_with_the_reason(
    db, client, login_as, make_case, mediator
):
    case = in_mediation(db, make_case, mediator, workers=2)
    login_as("mediator", "NH-LS")
    for suffix in ("", ".pdf"):
        failure = client.get(f"/cases/{case.id}/print/failure{suffix}")
        assert failure.status_code == 404
        assert "只有以调解不成结案的案件才出具调解不成告知书" in failure.get_data(as_text=True)
        roster = client.get(f"/cases/{case.id}/print/roster{suffix}")
        assert roster.status_code == 404
        assert "本案申请人为2人" in roster.get_data(as_text=True)
        agreement = client.get(f"/cases/{case.id}/print/agreement{suffix}")
        assert agreement.status_code == 404
        assert "尚未录入调解协议" in agreement.get_data(as_text=True)
    assert client.get(f"/cases/{case.id}/print/contract").status_code == 404
    assert audit_summaries(db, case) == []


def test_acceptance_notice_needs_a_decision_and_refusal_prints_its_own(
    db, client, login_as, make_case, mediator
):
    received = make_case("NH-LS", actor=mediator)
    refused = make_case("NH-LS", actor=mediator)
    lifecycle.refuse(db, refused, mediator, date(2024, 5, 7), "不存在劳动关系", today=TODAY)
    login_as("mediator", "NH-LS")
    pending = client.get(f"/cases/{received.id}/print/acceptance")
    assert pending.status_code == 404 and "尚未作出受理" in pending.get_data(as_text=True)
    html = client.get(f"/cases/{refused.id}/print/acceptance").get_data(as_text=True)
    assert "不予受理通知书" in html and "不存在劳动关系" in html


def test_failure_notice_tells_of_arbitration_and_the_interrupted_limitation(
    db, client, login_as, make_case, mediator
):
    case = in_mediation(db, make_case, mediator)
    lifecycle.fail(db, case, mediator, date(2024, 5, 20), "employer_refuses", today=TODAY)
    login_as("mediator", "NH-LS")
    html = client.get(f"/cases/{case.id}/print/failure").get_data(as_text=True)
    assert "调解不成告知书" in html
    assert "申请仲裁" in html and "第二十七条" in html
    assert "2024年5月6日向本中心申请调解，仲裁时效自该日起中断" in html
    assert "用人单位拒绝调解" in html


def test_minutes_are_printed_per_session(db, client, login_as, make_case, mediator):
    case = in_mediation(db, make_case, mediator)
    later = lifecycle.record_session(
        db, case, mediator, datetime(2024, 5, 10, 9, 0, tzinfo=TZ), 90, "调解室", "", "第二次"
    )
    planned = lifecycle.record_session(
        db, case, mediator, local_now() + timedelta(days=30), None, "调解室", "", ""
    )
    login_as("mediator", "NH-LS")
    ambiguous = client.get(f"/cases/{case.id}/print/minutes")
    assert ambiguous.status_code == 404 and "请在案件页面选择" in ambiguous.get_data(as_text=True)
    html = client.get(f"/cases/{case.id}/print/minutes?session={later.id}").get_data(as_text=True)
    assert "第2次" in html and "第二次" in html and "90分钟" in html
    assert f"minutes.pdf?session={later.id}" in html
    not_held = client.get(f"/cases/{case.id}/print/minutes?session={planned.id}")
    assert not_held.status_code == 404 and "尚未举行" in not_held.get_data(as_text=True)


def test_oral_application_prints_the_record_for_the_worker_to_sign(
    db, client, login_as, make_case, mediator
):
    case = make_case(
        "NH-LS",
        workers=1,
        actor=mediator,
        application_form="oral",
        oral_record="申请人当场口述：被申请人拖欠2024年4月工资。",
    )
    login_as("mediator", "NH-LS")
    html = client.get(f"/cases/{case.id}/print/application").get_data(as_text=True)
    assert "口头申请登记表" in html and "拖欠2024年4月工资" in html
    assert "申请人（签名）" in html and "记录人（签名）" in html


@needs_poppler
def test_a_draft_agreement_is_watermarked(db, client, login_as, make_case, mediator, tmp_path):
    case = in_mediation(db, make_case, mediator)
    lines = {line.id: line.claimed_fen for _, line, _ in claim_lines(db, case)}
    save_agreement(
        db,
        case,
        mediator,
        terms="被申请人支付工资。",
        payment_method="现金",
        copies=3,
        lines=lines,
        instalments=[(date(2024, 6, 1), sum(lines.values()))],
        today=TODAY,
    )
    login_as("mediator", "NH-LS")
    html = client.get(f"/cases/{case.id}/print/agreement").get_data(as_text=True)
    assert 'class="watermark"' in html and "草稿" in html
    pdf = client.get(f"/cases/{case.id}/print/agreement.pdf")
    assert pdf.status_code == 200
    assert "草稿" in pdf_text(tmp_path, pdf.data)
    assert "草稿" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_each_print_and_download_is_in_the_access_log_not_the_case_history(
    db, client, login_as, article
):
    user = login_as("mediator", "NH-LS")
    client.get(f"/cases/{article.id}/print/agreement")
    client.get(f"/cases/{article.id}/print/roster.pdf")
    assert audit_summaries(db, article) == ["打印文书：调解协议书", "下载文书PDF：职工名册"]
    records = db.exec(select(AccessRecord).where(AccessRecord.case_id == article.id)).all()
    assert {(r.user_id, r.username, r.case_number) for r in records} == {
        (user.id, user.username, article.number)
    }
    events = db.exec(select(AuditEvent.action).where(AuditEvent.case_id == article.id)).all()
    assert "print" not in events


@pytest.mark.parametrize(
    "role,centre,district",
    [("mediator", "CC-ZC", None), ("district_supervisor", None, "CC"), ("lawyer", "SD-RG", None)],
)
def test_outside_scope_the_documents_do_not_exist(
    db, client, login_as, article, role, centre, district
):
    login_as(role, centre, district)
    for url in ("agreement", "agreement.pdf", "roster", "sheet.pdf"):
        assert client.get(f"/cases/{article.id}/print/{url}").status_code == 404
    assert audit_summaries(db, article) == []


def test_login_is_required(client, article):
    response = client.get(f"/cases/{article.id}/print/agreement")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_id_numbers_are_masked_for_readers_without_personal_data(client, login_as, article):
    login_as("district_supervisor", None, "NH")
    html = client.get(f"/cases/{article.id}/print/roster").get_data(as_text=True)
    assert resident_id(1) not in html
    assert resident_id(1)[:6] + "********" + resident_id(1)[-4:] in html
    assert "已按权限遮蔽" in html


def test_the_agreement_says_its_preamble_and_rights_once(db, client, login_as, make_case, mediator):
    case = in_mediation(db, make_case, mediator)
    lines = {line.id: line.claimed_fen for _, line, _ in claim_lines(db, case)}
    terms = default_terms(db, case) + "\n五、双方另行约定的其他事项。"
    save_agreement(
        db,
        case,
        mediator,
        terms=terms,
        payment_method="现金",
        copies=3,
        lines=lines,
        instalments=[(date(2024, 6, 1), sum(lines.values()))],
        today=TODAY,
    )
    login_as("mediator", "NH-LS")
    html = flat(client.get(f"/cases/{case.id}/print/agreement").get_data(as_text=True))
    assert html.count("达成如下协议") == 1
    assert html.count("申请支付令") == 1 and html.count("申请司法确认") == 1
    assert html.count("申请人：") == 3  # two workers and the employer, in 当事人 only
    # the mediator's own clause stays, renumbered after the left-out default ones
    assert "一、被申请人同意按协议金额表所列金额" in html and "三、双方另行约定的其他事项。" in html


def test_a_collective_agreement_points_to_the_amounts_section_unambiguously(
    client, login_as, article
):
    login_as("mediator", "NH-LS")
    html = flat(client.get(f"/cases/{article.id}/print/agreement").get_data(as_text=True))
    assert "见本协议第三条" not in html
    assert "见本协议书「三、协议金额」表" in html


def test_representatives_are_never_printed_for_a_small_case(
    db, client, login_as, make_case, mediator
):
    case = in_mediation(db, make_case, mediator)
    worker = db.exec(select(Worker).where(Worker.case_id == case.id)).first()
    worker.representative = True  # recorded before the rule (intake now refuses it)
    db.flush()
    login_as("mediator", "NH-LS")
    for doc in ("application", "sheet", "minutes"):
        html = client.get(f"/cases/{case.id}/print/{doc}").get_data(as_text=True)
        assert "代表人：" not in html and "（代表人）" not in html, doc
