"""The documents a centre prints for a case: which apply now, and the data each one needs.

Everything on a document comes from the case as recorded; nothing is retyped. A document that
does not apply raises `NotApplicable` with a Chinese sentence saying why (the view answers 404).

Codes (the last part of /cases/<id>/print/<code>):
    application  调解申请书, or 口头申请登记表 for an oral application (law art.12)
    sheet        受理登记表: the one-page case sheet
    acceptance   受理通知书, or 不予受理通知书 for a refused case
    minutes      调解笔录, one per session held
    agreement    调解协议书: printable once its terms are recorded; a draft until effective
    failure      调解不成告知书: the right to arbitration and the limitation (law art.14, 27)
    service      送达回证 for the notices and agreement served on the parties
    roster       职工名册 with amounts, for collective disputes (ten or more workers, art.7)
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from mediation.cases import agreements, payments, schedule
from mediation.cases.deadlines import calendar_from
from mediation.cases.intake import COLLECTIVE_THRESHOLD
from mediation.dates import TZ
from mediation.dates import today as local_today
from mediation.documents import papers
from mediation.documents.agreement_text import printed_terms
from mediation.identifiers import IdType
from mediation.money import to_chinese_capital
from mediation.periods import mediation_due_from
from mediation.privacy import shown, shows_personal_data
from models import (
    Agreement,
    ApplicationForm,
    Case,
    CaseStatus,
    Centre,
    ClaimKind,
    Employer,
    Lawyer,
    MediationSession,
    User,
    Worker,
)

CODES = (
    "application",
    "sheet",
    "acceptance",
    "minutes",
    "agreement",
    "failure",
    "service",
    "roster",
)


class NotApplicable(Exception):
    """The document does not apply to the case as it stands; str() says why, in Chinese."""


@dataclass(frozen=True)
class DocumentLink:
    """One entry of the case page's 「打印」 list."""

    code: str
    title: str
    session_id: int | None = None
    note: str = ""  # e.g. "草稿" or the session's date
    draft: bool = False
    outdated: bool = False  # printed before a correction: the paper shows what was corrected


@dataclass(frozen=True)
class ClaimRow:
    kind: str
    claimed_fen: int
    agreed_fen: int | None


@dataclass(frozen=True)
class PartyRow:
    """A claimant worker as printed: identity shown or masked, claims and amounts."""

    index: int
    name: str
    representative: bool
    id_type: str
    id_number: str  # unmasked only for users who may see personal data
    phone: str
    job: str
    claims: list[ClaimRow]
    claimed_fen: int
    agreed_fen: int
    paid_fen: int

    @property
    def claims_text(self) -> str:
        return "、".join(dict.fromkeys(claim.kind for claim in self.claims))


@dataclass
class Document:
    code: str
    title: str
    case: Case
    centre: Centre
    employer: Employer
    mediator: User | None
    lawyer: Lawyer | None
    recorder: User | None
    parties: list[PartyRow]
    personal_data: bool
    today: date
    agreement: Agreement | None = None
    instalments: list[schedule.DueDate] = field(default_factory=list)
    # With several workers and dates: (worker name, fen due on each of `instalments`' dates).
    worker_schedule: list[tuple[str, list[int]]] = field(default_factory=list)
    # The review windows the agreement states: dated once it is in effect, as the law has
    # them on a draft.
    windows: list[agreements.ReviewWindow] = field(default_factory=list)
    session: MediationSession | None = None
    session_number: int = 0
    served: list[str] = field(default_factory=list)
    recipients: list[tuple[str, str]] = field(default_factory=list)  # (name, address)
    # 电子送达: (title, recipient, sent, opened or None), for the 送达回证
    electronic: list[tuple[str, str, datetime, datetime | None]] = field(default_factory=list)
    # The end of the 15 days from acceptance, as the acceptance notice announces it (the period
    # rule of mediation/periods.py: rolled past rest days).
    acceptance_due: date | None = None
    terms: str = ""  # the agreement's own clauses, as the 协议内容 section prints them

    # --- derived, for the templates ------------------------------------------------------
    @property
    def number(self) -> str:
        return self.case.number

    @property
    def status(self) -> CaseStatus:
        return self.case.status_enum

    @property
    def oral(self) -> bool:
        """An oral application, recorded on the spot (law art.12)."""
        return self.case.application_form == ApplicationForm.ORAL

    @property
    def refused(self) -> bool:
        return self.case.status_enum is CaseStatus.REFUSED

    @property
    def collective(self) -> bool:
        return len(self.parties) >= COLLECTIVE_THRESHOLD

    @property
    def applicants(self) -> str:
        """张三, or 阿永等10人."""
        if not self.parties:
            return ""
        first = self.parties[0].name
        return first if len(self.parties) == 1 else f"{first}等{len(self.parties)}人"

    @property
    def you(self) -> str:
        """How a notice addresses the applicants: 你, or 你们 for several."""
        return "你" if len(self.parties) == 1 else "你们"

    @property
    def representatives(self) -> list[str]:
        return [party.name for party in self.parties if party.representative]

    @property
    def draft(self) -> bool:
        """An agreement printed before it took effect carries a 草稿 watermark."""
        return self.code == "agreement" and (
            self.agreement is None or self.agreement.effective_on is None
        )

    @property
    def claimed_fen(self) -> int:
        return sum(party.claimed_fen for party in self.parties)

    @property
    def agreed_fen(self) -> int:
        return sum(party.agreed_fen for party in self.parties)

    @property
    def paid_fen(self) -> int:
        return sum(party.paid_fen for party in self.parties)

    @property
    def claimed_capital(self) -> str:
        return to_chinese_capital(self.claimed_fen)

    @property
    def agreed_capital(self) -> str:
        return to_chinese_capital(self.agreed_fen)

    @property
    def claim_kinds(self) -> str:
        kinds = dict.fromkeys(claim.kind for party in self.parties for claim in party.claims)
        return "、".join(kinds)

    @property
    def payment_order_notice(self) -> str:
        """The worker's right to a payment order (支付令), as every agreement states it."""
        return payments.PAYMENT_ORDER_NOTICE

    @property
    def session_ends_at(self) -> datetime | None:
        if self.session is None or not self.session.duration_minutes:
            return None
        return self.session.starts_at + timedelta(minutes=self.session.duration_minutes)

    @property
    def mediator_name(self) -> str:
        return self.mediator.name if self.mediator else ""

    @property
    def issued_on(self) -> date:
        """The date the document bears."""
        case = self.case
        if self.code == "acceptance":
            return case.closed_on if self.status is CaseStatus.REFUSED else case.accepted_on
        if self.code == "failure":
            return case.closed_on
        if self.code == "application":
            return case.received_on
        if self.code == "agreement" and self.agreement and self.agreement.effective_on:
            return self.agreement.effective_on
        if self.code == "minutes" and self.session is not None:
            return self.session.starts_at.astimezone(TZ).date()
        return self.today


# --- Which documents apply ------------------------------------------------------------------


def title_of(case: Case, code: str) -> str:
    if code == "application":
        return "口头申请登记表" if case.application_form == ApplicationForm.ORAL else "调解申请书"
    if code == "acceptance":
        return "不予受理通知书" if case.status_enum is CaseStatus.REFUSED else "受理通知书"
    return {
        "sheet": "受理登记表",
        "minutes": "调解笔录",
        "agreement": "调解协议书",
        "failure": "调解不成告知书",
        "service": "送达回证",
        "roster": "职工名册",
    }[code]


def _held_sessions(session: Session, case: Case) -> list[MediationSession]:
    return list(
        session.exec(
            select(MediationSession)
            .where(
                MediationSession.case_id == case.id,
                MediationSession.duration_minutes.is_not(None),
            )
            .order_by(MediationSession.starts_at, MediationSession.id)
        )
    )


def _acceptance_refusal(case: Case) -> str:
    if case.accepted_on is not None or case.status_enum is CaseStatus.REFUSED:
        return ""
    return (
        f"案件当前状态为「{case.status_enum.label}」，尚未作出受理或不予受理决定，"
        "没有可打印的受理通知书"
    )


def _served(case: Case, agreement: Agreement | None) -> list[str]:
    """The documents served on the parties so far, in the order they were issued."""
    served = []
    if not _acceptance_refusal(case):
        served.append(title_of(case, "acceptance"))
    if agreement is not None and agreement.effective_on is not None:
        served.append("调解协议书")
    if case.status_enum is CaseStatus.FAILED:
        served.append("调解不成告知书")
    return served


def refusal(session: Session, case: Case, code: str, session_id: int | None = None) -> str:
    """Why the document does not apply to the case now ("" when it does)."""
    try:
        _check(session, case, code, session_id)
    except NotApplicable as reason:
        return str(reason)
    return ""


def _check(
    session: Session, case: Case, code: str, session_id: int | None
) -> MediationSession | None:
    """Raise NotApplicable unless the document applies; the session for the minutes."""
    if code not in CODES:
        raise NotApplicable("没有这种文书")
    status = case.status_enum
    if code == "acceptance" and (reason := _acceptance_refusal(case)):
        raise NotApplicable(reason)
    if code == "agreement" and agreements.agreement_of(session, case) is None:
        raise NotApplicable("本案尚未录入调解协议内容，不能打印调解协议书")
    if code == "failure" and status is not CaseStatus.FAILED:
        raise NotApplicable(
            f"案件当前状态为「{status.label}」，只有以调解不成结案的案件才出具调解不成告知书"
        )
    if code == "service" and not _served(case, agreements.agreement_of(session, case)):
        raise NotApplicable("本案尚无需要送达的文书（受理通知书、调解协议书或调解不成告知书）")
    if code == "roster" and case.worker_count < COLLECTIVE_THRESHOLD:
        raise NotApplicable(
            f"职工名册用于{COLLECTIVE_THRESHOLD}人以上的集体争议，本案申请人为{case.worker_count}人"
        )
    if code == "minutes":
        return _minutes_session(session, case, session_id)
    return None


def _minutes_session(session: Session, case: Case, session_id: int | None) -> MediationSession:
    if session_id is not None:
        record = session.get(MediationSession, session_id)
        if record is None or record.case_id != case.id:
            raise NotApplicable("本案没有这场调解")
        if record.duration_minutes is None:
            raise NotApplicable("这场调解尚未举行（仅为安排），没有调解笔录")
        return record
    held = _held_sessions(session, case)
    if not held:
        raise NotApplicable("本案尚无已举行的调解，没有调解笔录")
    if len(held) > 1:
        raise NotApplicable(f"本案已举行{len(held)}场调解，请在案件页面选择要打印笔录的场次")
    return held[0]


def applicable(session: Session, case: Case) -> list[DocumentLink]:
    """The documents that apply to the case now, in the order the centre issues them."""
    agreement = agreements.agreement_of(session, case)
    links = [
        DocumentLink("application", title_of(case, "application")),
        DocumentLink("sheet", title_of(case, "sheet")),
    ]
    if not _acceptance_refusal(case):
        links.append(DocumentLink("acceptance", title_of(case, "acceptance")))
    for number, record in enumerate(_held_sessions(session, case), start=1):
        when = record.starts_at.astimezone(TZ)
        links.append(
            DocumentLink("minutes", f"调解笔录（第{number}次）", record.id, f"{when:%Y-%m-%d}")
        )
    if agreement is not None:
        links.append(
            DocumentLink(
                "agreement",
                "调解协议书",
                note="" if agreement.effective_on else "草稿",
                draft=agreement.effective_on is None,
            )
        )
    if case.status_enum is CaseStatus.FAILED:
        links.append(DocumentLink("failure", title_of(case, "failure")))
    if _served(case, agreement):
        links.append(DocumentLink("service", title_of(case, "service")))
    if case.worker_count >= COLLECTIVE_THRESHOLD:
        links.append(DocumentLink("roster", title_of(case, "roster")))
    return links


# --- The data of one document ---------------------------------------------------------------


def _id_type_label(value: str) -> str:
    try:
        return IdType(value).label
    except ValueError:
        return "证件"


def parties_of(session: Session, case: Case, personal_data: bool) -> list[PartyRow]:
    """Every claimant worker with claims and amounts; ID numbers and phones masked unless the
    user may see personal data (PIPL)."""
    labels = {kind.value: kind.label for kind in ClaimKind}
    claims: dict[int, list[ClaimRow]] = defaultdict(list)
    for worker, line, agreed in agreements.claim_lines(session, case):
        claims[worker.id].append(
            ClaimRow(labels.get(line.kind, line.kind), line.claimed_fen, agreed)
        )
    rows = []
    amounts_of = payments.worker_amounts(session, case)
    collective = len(amounts_of) >= COLLECTIVE_THRESHOLD  # representatives: law art.7
    for index, amounts in enumerate(amounts_of, start=1):
        worker = amounts.worker
        rows.append(
            PartyRow(
                index=index,
                name=shown(worker.name, "name", personal_data),
                representative=worker.representative and collective,
                id_type=_id_type_label(worker.id_type),
                id_number=shown(worker.id_number, "id_number", personal_data),
                phone=shown(worker.phone, "phone", personal_data),
                job=worker.job,
                claims=claims.get(worker.id, []),
                claimed_fen=amounts.claimed_fen,
                agreed_fen=amounts.agreed_fen,
                paid_fen=amounts.paid_fen,
            )
        )
    return rows


def document(
    session: Session,
    case: Case,
    code: str,
    user: User | None,
    session_id: int | None = None,
    today: date | None = None,
) -> Document:
    """Everything the document needs, read in a handful of queries. Raises NotApplicable.
    Without a user (a copy served on a worker) every ID number and phone is masked."""
    record = _check(session, case, code, session_id)
    personal_data = user is not None and shows_personal_data(session, user, case)
    employer = session.get(Employer, case.employer_id)
    mediator = session.get(User, case.mediator_id) if case.mediator_id else None
    doc = Document(
        code=code,
        title=title_of(case, code),
        case=case,
        centre=session.get(Centre, case.centre_id),
        employer=employer,
        mediator=mediator,
        lawyer=session.get(Lawyer, case.lawyer_id) if case.lawyer_id else None,
        recorder=session.get(User, case.created_by_id) if case.created_by_id else None,
        parties=parties_of(session, case, personal_data),
        personal_data=personal_data,
        today=today or local_today(),
    )
    if case.accepted_on is not None:
        calendar = calendar_from(session, case.accepted_on)
        doc.acceptance_due = mediation_due_from(case.accepted_on, 0, calendar)
    if code in ("agreement", "service", "sheet", "roster"):
        doc.agreement = agreements.agreement_of(session, case)
        doc.instalments = agreements.instalments_of(session, doc.agreement)
        if len(doc.instalments) > 1 and len(doc.parties) > 1:
            doc.worker_schedule = _worker_schedule(session, case, doc)
        doc.windows = agreements.review_windows(doc.agreement) or list(agreements.REVIEW_WINDOWS)
        if doc.agreement is not None:
            default = agreements.default_terms(session, case)
            doc.terms = printed_terms(doc.agreement.terms, default)
    if record is not None:
        doc.session = record
        held = [held.id for held in _held_sessions(session, case)]
        doc.session_number = held.index(record.id) + 1
        if record.recorded_by_id:
            doc.recorder = session.get(User, record.recorded_by_id)
        if doc.mediator is None:
            doc.mediator = doc.recorder
    if code == "service":
        doc.served = _served(case, doc.agreement)
        doc.recipients = _recipients(doc)
        doc.electronic = [
            (record.title, shown(name, "name", personal_data), record.sent_at, record.opened_at)
            for record, name in papers.electronic_services(session, case)
        ]
    return doc


def _worker_schedule(session: Session, case: Case, doc: Document) -> list[tuple[str, list[int]]]:
    """Each worker's amount due on each of the agreement's dates (0 where none), in order."""
    plan = schedule.schedule_of(session, doc.agreement)
    workers = session.exec(
        select(Worker.id, Worker.name)
        .where(Worker.case_id == case.id)
        .order_by(Worker.position, Worker.id)
    ).all()
    return [
        (name, [dict(plan.get(worker_id, [])).get(d.due_on, 0) for d in doc.instalments])
        for worker_id, name in workers
        if worker_id in plan
    ]


def _recipients(doc: Document) -> list[tuple[str, str]]:
    """Who signs a 送达回证: the employer, and each worker (or, for a collective dispute, the
    workers together through their representatives)."""
    employer = (doc.employer.name, doc.employer.address)
    if doc.collective:
        names = "、".join(doc.representatives)
        signer = f"由代表人{names}签收" if names else "由申请人签收"
        return [(f"{doc.applicants}（{signer}）", ""), employer]
    return [(party.name, "") for party in doc.parties] + [employer]
