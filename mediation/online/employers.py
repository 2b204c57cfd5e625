"""The employer's side of an application: a link sent to the employer's mobile on record, alive
while the case awaits the acceptance decision, where the employer says whether it agrees to
mediate (同意调解 / 不同意, with a reason) and proposes dates. The page shows the centre, the case
number, the workers' names and what they claim, never ID numbers or phones."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from mediation import audit
from mediation.cases.intake import touch
from mediation.errors import RuleViolation
from mediation.identifiers import InvalidIdentifier, normalize_phone
from mediation.notices import outbox
from models import (
    Case,
    CaseStatus,
    Centre,
    ClaimLine,
    Employer,
    EmployerReply,
    User,
    Worker,
    utcnow,
)
from models.base import sql_total

MAX_PROPOSED = 3
LINK_TEXT = (
    "【{centre}】{workers}申请与贵单位调解劳动争议（{number}），"
    "请通过以下链接答复是否同意调解：{url}"
)


def mobile_of(employer: Employer) -> str | None:
    """The employer's phone when it is a mobile (links go by SMS)."""
    try:
        phone = normalize_phone(employer.phone or "")
    except InvalidIdentifier:
        return None
    return phone if phone.isdigit() and len(phone) == 11 else None


def send_reply_link(session: Session, case: Case, actor: User, url_for_token) -> EmployerReply:
    """Send (or send again) the link to the employer's mobile. `url_for_token` makes the
    absolute address of the public page from the token."""
    if case.status != CaseStatus.RECEIVED:
        raise RuleViolation("只有待受理的案件可以请用人单位在线答复")
    employer = session.get(Employer, case.employer_id)
    phone = mobile_of(employer)
    if phone is None:
        raise RuleViolation("被申请单位没有登记手机号码，无法发送短信链接")
    reply = reply_of(session, case) or EmployerReply(case_id=case.id, token="", phone=phone)
    reply.token, reply.phone, reply.sent_at = secrets.token_urlsafe(24), phone, utcnow()
    session.add(reply)
    session.flush()
    centre = session.get(Centre, case.centre_id)
    params = {
        "centre": centre.name,
        "workers": _names_phrase(session, case),
        "number": case.number,
        "url": url_for_token(reply.token),
    }
    text = LINK_TEXT.format(**params)
    outbox.send(session, phone, text, kind="employer_link", case_id=case.id, params=params)
    audit.record_event(
        session,
        case,
        actor,
        "employer_link",
        f"向被申请单位手机{phone[:3]}****{phone[-4:]}发送答复链接",
    )
    return reply


def reply_of(session: Session, case: Case) -> EmployerReply | None:
    return session.exec(select(EmployerReply).where(EmployerReply.case_id == case.id)).first()


def open_reply(session: Session, token: str) -> tuple[EmployerReply, Case] | None:
    """The reply behind a link, while its case still awaits the acceptance decision."""
    if not token or len(token) > 64:
        return None
    reply = session.exec(select(EmployerReply).where(EmployerReply.token == token)).first()
    if reply is None:
        return None
    case = session.get(Case, reply.case_id)
    if case is None or case.status != CaseStatus.RECEIVED:
        return None
    return reply, case


@dataclass(frozen=True)
class Claimant:
    name: str
    claimed_fen: int


def claimants(session: Session, case: Case) -> list[Claimant]:
    """Names and claimed amounts only: what the employer may see."""
    rows = session.exec(
        select(Worker.name, func.coalesce(sql_total(ClaimLine.claimed_fen), 0))
        .join(ClaimLine, ClaimLine.worker_id == Worker.id, isouter=True)
        .where(Worker.case_id == case.id)
        .group_by(Worker.id, Worker.name, Worker.position)
        .order_by(Worker.position, Worker.id)
    ).all()
    return [Claimant(name, fen or 0) for name, fen in rows]


def answer(
    session: Session,
    reply: EmployerReply,
    case: Case,
    agrees: bool | None,
    reason: str,
    proposed: list[datetime],
    contact_name: str,
) -> None:
    """Record the employer's answer (it may change it until the acceptance decision)."""
    problems = []
    if agrees is None:
        problems.append(("agrees", "请选择是否同意调解"))
    if agrees is False and not reason.strip():
        problems.append(("reason", "不同意调解请说明理由"))
    if len(proposed) > MAX_PROPOSED:
        problems.append(("proposed", f"最多提出{MAX_PROPOSED}个时间"))
    now = utcnow()
    if any(moment <= now for moment in proposed):
        problems.append(("proposed", "建议的调解时间应在今后"))
    if problems:
        raise RuleViolation(problems)
    reply.agrees, reply.reason = agrees, reason.strip()
    reply.proposed = [moment.isoformat() for moment in sorted(proposed)]
    reply.contact_name, reply.answered_at = contact_name.strip(), now
    reply.version += 1
    session.add(reply)
    touch(case)
    session.add(case)
    summary = "被申请单位在线答复：" + ("同意调解" if agrees else f"不同意调解（{reply.reason}）")
    audit.record_event(session, case, None, "employer_reply", summary, actor_name="被申请单位")
    session.flush()


def _names_phrase(session: Session, case: Case) -> str:
    names = [c.name for c in claimants(session, case)]
    return "、".join(names[:3]) + (f"等{len(names)}人" if len(names) > 3 else "")
