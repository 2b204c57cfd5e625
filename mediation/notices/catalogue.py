"""What the parties are told, and when: one notice kind per event, its text, and who gets it.

Workers are told only when they consented to notices (at the online application, or recorded
by the mediator), and only at a phone on record. Each notice is a Message kept with the case;
the ones the daily run sends carry a key (kind, worker, date), so running it twice sends once.

| event | to | notice |
|---|---|---|
| case accepted / refused | consenting workers | ACCEPTED / REFUSED |
| session scheduled / moved | consenting workers | SESSION_SCHEDULED / SESSION_CHANGED |
| agreement takes effect | consenting workers, own amount | AGREEMENT_EFFECTIVE |
| mediator or lawyer changed (one case, a caseload move) | consenting workers | HANDLER_CHANGED |
| case closed with a result (rating link) | consenting workers | CLOSED |
| instalment due tomorrow (daily run) | the worker owed | INSTALMENT_DUE |
| instalment unpaid after its day (daily run) | the worker owed | INSTALMENT_DEFAULTED |
| mediation deadline near (daily due job) | the mediator, else the supervisors | DEADLINE_NEAR |

Staff are told by e-mail at the address on their account (the outbox when SMTP is not
configured), or in the outbox under their username when they have none; once per case,
person and deadline.
"""

from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from mediation.money import format_yuan
from mediation.notices import outbox
from models import (
    Agreement,
    AgreementLine,
    Case,
    Centre,
    ClaimLine,
    DueItem,
    DueKind,
    LabelledEnum,
    Message,
    Role,
    User,
    Worker,
)
from models.base import sql_total


class Notice(LabelledEnum):
    ACCEPTED = ("accepted", "受理通知")
    REFUSED = ("refused", "不予受理通知")
    SESSION_SCHEDULED = ("session_scheduled", "调解时间通知")
    SESSION_CHANGED = ("session_changed", "调解时间变更通知")
    AGREEMENT_EFFECTIVE = ("agreement_effective", "调解协议生效通知")
    HANDLER_CHANGED = ("handler_changed", "承办人员变更通知")
    INSTALMENT_DUE = ("instalment_due", "付款到期提醒")
    INSTALMENT_DEFAULTED = ("instalment_defaulted", "付款逾期通知")
    CLOSED = ("closed", "结案及评价邀请")
    DEADLINE_NEAR = ("deadline_near", "调解期限将至")


TEXTS = {
    Notice.ACCEPTED: "您申请调解的劳动争议（{number}）已于{on}受理，调解员将与您联系。",
    Notice.REFUSED: "您申请调解的劳动争议（{number}）不予受理，理由：{reason}。"
    "您可依法向劳动人事争议仲裁委员会申请仲裁。",
    Notice.SESSION_SCHEDULED: "您的劳动争议（{number}）定于{when}在{place}调解，"
    "请携带身份证件准时参加。",
    Notice.SESSION_CHANGED: "您的劳动争议（{number}）调解时间变更为{when}，地点：{place}。",
    Notice.AGREEMENT_EFFECTIVE: "您的劳动争议（{number}）调解协议已于{on}生效，"
    "您的协议金额为{amount}元。",
    Notice.HANDLER_CHANGED: "您的劳动争议（{number}）改由{who}承办。",
    Notice.CLOSED: "您的劳动争议（{number}）已办结。请为本次调解服务评分：{url}",
    Notice.INSTALMENT_DUE: "按调解协议（{number}），明日（{on}）应向您支付{amount}元。",
    Notice.INSTALMENT_DEFAULTED: "按调解协议（{number}），应于{on}向您支付的{amount}元"
    "尚未足额支付。您可向调解中心反映，或依法向人民法院申请支付令。",
    Notice.DEADLINE_NEAR: "调解期限将至：案件（{number}）的调解期限于{on}届满，"
    "请及时调解或依法结案。案件：{url}",
}


def notify_workers(session: Session, case: Case, notice: Notice, **values) -> list[Message]:
    """Tell every consenting worker of the case, with a phone on record."""
    workers = session.exec(
        select(Worker)
        .where(Worker.case_id == case.id, Worker.notices_consent, Worker.phone != "")
        .order_by(Worker.position, Worker.id)
    ).all()
    return [notify_worker(session, case, worker, notice, **values) for worker in workers]


def notify_agreement_effective(session: Session, case: Case, agreement: Agreement) -> None:
    """Each consenting worker learns the agreement is in force and their own amount."""
    amounts = dict(
        session.exec(
            select(ClaimLine.worker_id, sql_total(AgreementLine.agreed_fen))
            .join(AgreementLine, AgreementLine.claim_line_id == ClaimLine.id)
            .where(AgreementLine.agreement_id == agreement.id)
            .group_by(ClaimLine.worker_id)
        ).all()
    )
    workers = session.exec(
        select(Worker).where(Worker.case_id == case.id, Worker.notices_consent, Worker.phone != "")
    ).all()
    for worker in workers:
        notify_worker(
            session,
            case,
            worker,
            Notice.AGREEMENT_EFFECTIVE,
            on=agreement.effective_on,
            amount=format_yuan(amounts.get(worker.id, 0) or 0),
        )


def notify_worker_once(
    session: Session, case: Case, worker: Worker, notice: Notice, key_date: date, **values
) -> Message | None:
    """A notice of the daily run: sent once per (kind, worker, date), however often it runs."""
    if not worker.notices_consent or not worker.phone:
        return None
    key = f"{notice.value}:{worker.id}:{key_date.isoformat()}"
    taken = session.exec(select(func.count()).where(Message.dedupe_key == key)).one()
    if taken:
        return None
    return notify_worker(session, case, worker, notice, dedupe_key=key, **values)


def session_when(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def notify_worker(
    session: Session,
    case: Case,
    worker: Worker,
    notice: Notice,
    dedupe_key: str | None = None,
    **values,
) -> Message:
    """One notice to one worker, at the phone on record (callers check consent)."""
    centre = session.get(Centre, case.centre_id)
    values = {k: _chinese(v) if isinstance(v, date) else v for k, v in values.items()}
    values["number"] = case.number
    text = f"【{centre.name}】" + TEXTS[notice].format(**values)
    return outbox.send(
        session,
        worker.phone,
        text,
        kind=notice.value,
        case_id=case.id,
        dedupe_key=dedupe_key,
        params={"centre": centre.name, **values},
    )


def _chinese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notify_deadlines_near(session: Session, day: date) -> int:
    """Tell the people answering for each case whose mediation deadline the due job found near
    on `day` (its DEADLINE_NEAR items): once per case, person and deadline, however often the
    job runs. How many were told. Flushes."""
    items = session.exec(
        select(DueItem)
        .where(DueItem.day == day, DueItem.kind == DueKind.DEADLINE_NEAR.value)
        .order_by(DueItem.case_id)
    ).all()
    told = 0
    for item in items:
        case = session.get(Case, item.case_id)
        for user in answerable_for(session, case):
            told += notify_staff_once(session, case, user, item.due_on) is not None
    session.flush()
    return told


def answerable_for(session: Session, case: Case) -> list[User]:
    """The case's mediator; with none (not yet assigned, or no longer active), the active
    supervisors of its centre, who assign it."""
    mediator = session.get(User, case.mediator_id) if case.mediator_id else None
    if mediator is not None and mediator.active:
        return [mediator]
    return list(
        session.exec(
            select(User)
            .where(
                User.centre_id == case.centre_id,
                User.role == Role.CENTRE_SUPERVISOR.value,
                User.active,
            )
            .order_by(User.id)
        )
    )


def notify_staff_once(session: Session, case: Case, user: User, due_on: date) -> Message | None:
    """DEADLINE_NEAR to one staff member: by e-mail at their address, else to the outbox under
    their username; a second call for the same case, person and deadline sends nothing."""
    notice = Notice.DEADLINE_NEAR
    key = f"{notice.value}:{case.id}:{user.id}:{due_on.isoformat()}"
    if session.exec(select(func.count()).where(Message.dedupe_key == key)).one():
        return None
    centre = session.get(Centre, case.centre_id)
    values = {
        "number": case.number,
        "on": _chinese(due_on),
        "url": outbox.public_url(f"/cases/{case.id}"),
    }
    return outbox.send(
        session,
        user.email or user.username,
        f"【{centre.name}】" + TEXTS[notice].format(**values),
        kind=notice.value,
        channel=None if user.email else outbox.OutboxChannel.name,
        case_id=case.id,
        dedupe_key=key,
        params={"centre": centre.name, "subject": f"{notice.label}：{case.number}", **values},
    )
