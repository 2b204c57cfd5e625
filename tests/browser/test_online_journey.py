"""End to end in Chromium at 390 px, the parties' own journey: a worker applies for himself and
two co-workers from the centre's QR address and proves his phone; the employer agrees by its
link; the mediator accepts and schedules the session through the centre's forms; the worker
follows the case at /track, sees the session and then his own amount and payment (the agreement
and payment played through the domain: they have their own browser tests), opens the served
agreement with a code and rates the service; the 送达回证 shows when the agreement was opened."""

import re
from datetime import timedelta

from sqlmodel import Session, select

from conftest import resident_id
from mediation.cases import lifecycle
from mediation.cases.agreements import claim_lines, save_agreement
from mediation.cases.payments import pay_outstanding
from mediation.dates import now as local_now
from mediation.dates import today as local_today
from mediation.identifiers import lookup_key
from mediation.online import service
from models import Case, Message, User, Worker
from tests.browser.conftest import log_in

PHONE = "13812345678"
ID_NUMBER = resident_id(501, "19920202")
PHONE_WIDTH = {"width": 390, "height": 844}


def last_text(engine, phone: str, kind: str) -> str:
    with Session(engine) as session:
        message = session.exec(
            select(Message)
            .where(Message.recipient_key == lookup_key("phone", phone), Message.kind == kind)
            .order_by(Message.id.desc())
        ).first()
        assert message is not None, f"no {kind} message to {phone}"
        return message.text


def code_for(engine, phone: str) -> str:
    return re.search(r"验证码为(\d{6})", last_text(engine, phone, "code")).group(1)


def path_in(text: str) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", text).group(1)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def accept_and_schedule(mediator, case_url: str) -> None:
    """What the mediator does at the centre, in the browser: accept the application today and
    schedule the first session in three days."""
    mediator.goto(case_url)
    mediator.click(".case-actions a:text-is('受理')")
    assert mediator.input_value("#accepted_on") == local_today().isoformat()
    mediator.click("button[type=submit].primary")
    mediator.wait_for_url(case_url)
    assert "已受理" in mediator.inner_text(".badges")
    mediator.click(".case-actions a:text-is('安排/记录调解')")
    starts = (local_now() + timedelta(days=3)).replace(hour=9, minute=30)
    mediator.fill("#starts_at", f"{starts:%Y-%m-%dT%H:%M}")
    mediator.fill("#place", "第二调解室")
    mediator.click("button[type=submit].primary")
    mediator.wait_for_url(case_url)
    planned = mediator.locator(".session", has_text="已安排").inner_text()
    assert f"{starts:%Y-%m-%d %H:%M}" in planned and "第二调解室" in planned


def agree_and_pay(engine, case_id: int) -> None:
    with Session(engine) as session:
        case = session.get(Case, case_id)
        actor = session.exec(select(User).where(User.username == "mediator")).one()
        held = local_now().replace(second=0, microsecond=0)  # today, even just past midnight
        lifecycle.record_session(session, case, actor, held, 60, "第二调解室", "", "笔录")
        lines = {line.id: line.claimed_fen for _, line, _ in claim_lines(session, case)}
        today = local_today()
        save_agreement(
            session,
            case,
            actor,
            terms="一次付清",
            payment_method="银行转账",
            copies=3,
            lines=lines,
            instalments=[(today, sum(lines.values()))],
            parties_signed_on=today,
            mediator_signed_on=today,
            centre_sealed_on=today,
        )
        pay_outstanding(session, case, actor, paid_on=today)
        workers = session.exec(select(Worker).where(Worker.case_id == case.id)).all()
        service.serve(session, case, actor, "agreement", [w.id for w in workers])
        session.commit()


def test_a_worker_applies_follows_and_rates_from_a_phone(browser, live_server, live_engine):
    base, engine = live_server, live_engine
    phone = browser.new_context(locale="zh-CN", viewport=PHONE_WIDTH)
    worker = phone.new_page()

    worker.goto(f"{base}/apply/NH-LS")
    assert fits(worker)
    worker.fill("#name", "王小明")
    worker.fill("#id_number", ID_NUMBER)
    worker.fill("#phone", PHONE)
    worker.fill("#employer_name", "佛山市快送配送有限公司")
    worker.fill("#employer_phone", "13900139000")
    worker.select_option("#category", "劳动报酬")
    worker.fill("#amount", "6800")
    worker.fill(
        "#co_workers",
        f"李大力 {resident_id(502)} 13700137000 5200\n陈阿强 {resident_id(503)} 13600136000 4100",
    )
    worker.check("#notices_consent")
    worker.check("#truthful")
    worker.click("button[name=submit]")
    worker.wait_for_url(re.compile(r".*/apply/confirm/.+"))
    worker.fill("#code", code_for(engine, PHONE))
    worker.click("button[name=submit]")
    worker.wait_for_url(re.compile(r".*/apply/done/.+"))
    reference = worker.inner_text("#reference")
    number = worker.inner_text("#case-number")
    assert reference.startswith("WS") and fits(worker)

    staff = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    mediator = staff.new_page()
    log_in(mediator, base, "mediator")
    with Session(engine) as session:
        case_id = session.exec(select(Case.id).where(Case.number == number)).one()
    mediator.goto(f"{base}/cases/{case_id}")
    mediator.click("text=发送答复链接（短信）")
    employer = browser.new_context(locale="zh-CN", viewport=PHONE_WIDTH).new_page()
    employer.goto(base + path_in(last_text(engine, "13900139000", "employer_link")))
    assert "王小明" in employer.inner_text("#claimants") and ID_NUMBER not in employer.content()
    employer.check("input[name=agrees][value=yes]")
    employer.fill("#contact_name", "人事部刘女士")
    employer.click("button[name=submit]")
    employer.wait_for_selector("#saved")
    mediator.reload()
    assert "同意调解" in mediator.inner_text("#employer-reply")

    accept_and_schedule(mediator, f"{base}/cases/{case_id}")
    assert "受理" in last_text(engine, PHONE, "accepted")
    assert "第二调解室" in last_text(engine, PHONE, "session_scheduled")
    worker.goto(f"{base}/track")
    worker.fill("#number", reference)
    worker.fill("#id_number", ID_NUMBER)
    worker.click("button[type=submit]")
    worker.wait_for_url(re.compile(r".*/track/verify/.+"))
    worker.fill("#code", code_for(engine, PHONE))
    worker.click("button[name=submit]")
    worker.wait_for_url(f"{base}/track/case")
    assert "第二调解室" in worker.inner_text("#next-session") and fits(worker)

    agree_and_pay(engine, case_id)
    worker.reload()
    assert worker.inner_text("#agreed") == "6,800.00" and worker.inner_text("#paid") == "6,800.00"
    assert "李大力" not in worker.content()

    worker.reload()
    served = base + path_in(last_text(engine, PHONE, "service"))
    worker.click("#served a")  # the served agreement, listed on the worker's own page
    assert worker.url == served
    worker.click("button[name=resend]")
    worker.fill("#code", code_for(engine, PHONE))
    with worker.expect_response(lambda r: r.url.endswith("/document.pdf")) as opened_pdf:
        worker.click("button[name=submit]")
    assert opened_pdf.value.headers["content-type"] == "application/pdf"

    worker.goto(base + path_in(last_text(engine, PHONE, "closed")))
    worker.check("input[name=score][value='5']")
    worker.fill("#comment", "调解员很耐心")
    worker.click("button[name=submit]")
    worker.wait_for_selector("#rated")

    mediator.goto(f"{base}/cases/{case_id}/print/service")
    receipt = mediator.inner_text("#electronic-service")
    opened = [line for line in receipt.splitlines() if "王小明" in line]
    assert opened and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d$", opened[0])  # the time opened
    assert "李大力" not in receipt  # only the worker who consented was served electronically
    for context in (phone, staff):
        context.close()
