"""The union's labour-law supervision letters about an employer (「一函两书」): 工会劳动法律监督
提示函, 意见书 and 建议书 — issuing, numbering, what a letter lists, and recording its service,
the reply and a referral to labour inspection (劳动保障监察).

Who issues: a district union (district supervisors, for employers with cases in their district)
or the city union (city supervisors and admins). A letter lists the employer's cases in the
issuer's scope that the issuer picked, and the legal provisions involved (docs/letters.md gives
each provision and its source). The addressee is the employer for a 提示函 or 意见书 and a
government department (usually the human-resources and social-security bureau) for a 建议书
(《工会劳动法律监督办法》 art.21).

Numbers like 南海工监提字〔2026〕第3号 run per issuing unit, kind and year, gapless: the counter
row is bumped with UPDATE … RETURNING inside the issuing transaction (as case numbers are in
mediation.numbering), so a rolled-back issue gives its number back.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from mediation import audit
from mediation.errors import RuleViolation
from mediation.permissions import Permission, can
from mediation.privacy import personal_data_access, shown
from mediation.reference.calendar import load_calendar
from mediation.reports.provisions import BASIS, PROVISIONS, SUBSTANTIVE, Provision
from mediation.scope import Scope
from models import (
    Case,
    CaseStatus,
    District,
    Employer,
    LetterCounter,
    LetterKind,
    Role,
    ServiceMethod,
    SupervisionLetter,
    SupervisionLetterCase,
    User,
    Worker,
    utcnow,
)

# Working days the addressee has to answer: 十五个工作日 for the employer (办法 art.20, used
# for the 提示函 too); a department receiving a 建议书 decides within 五个工作日 (art.23).
REPLY_WORKING_DAYS = {LetterKind.NOTICE: 15, LetterKind.OPINION: 15, LetterKind.PROPOSAL: 5}
SHORT_KIND = {LetterKind.NOTICE: "提", LetterKind.OPINION: "意", LetterKind.PROPOSAL: "建"}
CITY_UNIT = ""
CITY_UNION = "佛山市总工会"
CITY_PREFIX = "佛山"
MAX_TEXT = 4000


class NotIssuer(Exception):
    """The user may not issue letters (no Permission.LETTER_ISSUE)."""


@dataclass(frozen=True)
class Issuer:
    """The union a user issues letters for: a district's or the city's."""

    district: District | None

    @property
    def unit(self) -> str:
        return self.district.code if self.district else CITY_UNIT

    @property
    def union_name(self) -> str:
        return f"佛山市{self.district.name}总工会" if self.district else CITY_UNION

    @property
    def prefix(self) -> str:
        return self.district.name.removesuffix("区") if self.district else CITY_PREFIX


def issuer_of(session: Session, user: User) -> Issuer:
    """District supervisors issue for their district's union; city supervisors and admins for
    the city's. NotIssuer for anyone else."""
    if not can(user, Permission.LETTER_ISSUE):
        raise NotIssuer()
    if user.role == Role.DISTRICT_SUPERVISOR:
        return Issuer(session.get(District, user.district_id))
    return Issuer(None)


def may_manage(session: Session, user: User, letter: SupervisionLetter) -> bool:
    """Whether the user may record service, reply and referral on the letter: its issuing
    union's supervisors, and admins."""
    try:
        issuer = issuer_of(session, user)
    except NotIssuer:
        return False
    return user.role == Role.ADMIN or issuer.unit == letter.unit


def format_number(prefix: str, kind: LetterKind, year: int, seq: int) -> str:
    return f"{prefix}工监{SHORT_KIND[kind]}字〔{year}〕第{seq}号"


def _dialect_insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def next_number(session: Session, issuer: Issuer, kind: LetterKind, year: int) -> tuple[int, str]:
    """Issue the next (sequence, number) of the unit, kind and year."""
    key = (
        (LetterCounter.unit == issuer.unit)
        & (LetterCounter.kind == kind.value)
        & (LetterCounter.year == year)
    )
    bump = (
        update(LetterCounter)
        .where(key)
        .values(last_seq=LetterCounter.last_seq + 1)
        .returning(LetterCounter.last_seq)
    )
    seq = session.execute(bump).scalar()
    if seq is None:
        session.execute(
            _dialect_insert(session)(LetterCounter)
            .values(unit=issuer.unit, kind=kind.value, year=year, last_seq=0)
            .on_conflict_do_nothing(index_elements=["unit", "kind", "year"])
        )
        seq = session.execute(bump).scalar_one()
    return seq, format_number(issuer.prefix, kind, year, seq)


# -- what a letter may list ---------------------------------------------------------------------


def employer_cases(session: Session, scope: Scope, employer: Employer) -> list[Case]:
    """The employer's cases in the scope a letter may list: every one but voided
    registrations, oldest first."""
    statement = select(Case).where(
        Case.employer_id == employer.id, Case.status != CaseStatus.VOIDED.value
    )
    return list(
        session.exec(scope.apply(statement, Case.centre_id).order_by(Case.received_on, Case.id))
    )


def default_due_on(session: Session, kind: LetterKind, issued_on: date) -> date:
    calendar = load_calendar(session, since=issued_on)
    return calendar.add_working_days(issued_on, REPLY_WORKING_DAYS[kind])


def _default_addressee(issuer: Issuer, kind: LetterKind, employer: Employer) -> str:
    if kind is LetterKind.PROPOSAL:
        place = f"佛山市{issuer.district.name}" if issuer.district else "佛山市"
        return f"{place}人力资源和社会保障局"
    return employer.name


# -- issuing and recording ----------------------------------------------------------------------


@dataclass(frozen=True)
class LetterData:
    kind: str
    issued_on: date | None
    case_ids: list[int]
    provisions: list[str]
    findings: str
    requests: str = ""
    addressee: str = ""
    response_due_on: date | None = None


def _text(problems, field: str, value: str, label: str, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        problems.append((field, f"请填写{label}"))
    elif len(value) > MAX_TEXT:
        problems.append((field, f"{label}不超过{MAX_TEXT}字"))
    return value


def issue_letter(
    session: Session,
    actor: User,
    scope: Scope,
    employer: Employer,
    data: LetterData,
    today: date,
) -> SupervisionLetter:
    """Issue a letter about an employer in the actor's scope: checks, numbers, lists the cases,
    audits; flushes. RuleViolation with the fields at fault."""
    issuer = issuer_of(session, actor)
    problems: list[tuple[str | None, str]] = []
    try:
        kind = LetterKind(data.kind)
    except ValueError:
        problems.append(("kind", "请选择文书种类"))
        kind = None
    issued_on = data.issued_on
    if issued_on is None:
        problems.append(("issued_on", "请填写发出日期"))
    elif issued_on > today:
        problems.append(("issued_on", "发出日期不能晚于今天"))
    allowed = {case.id: case for case in employer_cases(session, scope, employer)}
    chosen = [allowed[i] for i in dict.fromkeys(data.case_ids) if i in allowed]
    if not chosen:
        problems.append(("case_ids", "请至少选择一件本单位的案件"))
    elif len(chosen) != len(set(data.case_ids)):
        problems.append(("case_ids", "所选案件不属于本单位或不在您的管辖范围内"))
    unknown = [code for code in data.provisions if code not in SUBSTANTIVE]
    if unknown:
        problems.append(("provisions", "所选法律条文不在条文目录中"))
    findings = _text(problems, "findings", data.findings, "发现的问题", required=True)
    requests = _text(problems, "requests", data.requests, "整改要求或建议", required=False)
    addressee = (data.addressee or "").strip()
    if kind is not None and not addressee:
        addressee = _default_addressee(issuer, kind, employer)
    if len(addressee) > 200:
        problems.append(("addressee", "主送单位不超过200字"))
    due_on = data.response_due_on
    if kind is not None and issued_on is not None:
        due_on = due_on or default_due_on(session, kind, issued_on)
        if due_on < issued_on:
            problems.append(("response_due_on", "答复期限不能早于发出日期"))
    if problems:
        raise RuleViolation(problems)
    seq, number = next_number(session, issuer, kind, issued_on.year)
    substantive = [code for code in SUBSTANTIVE if code in set(data.provisions)]
    letter = SupervisionLetter(
        kind=kind.value,
        unit=issuer.unit,
        district_id=issuer.district.id if issuer.district else None,
        year=issued_on.year,
        seq=seq,
        number=number,
        employer_id=employer.id,
        addressee=addressee,
        issued_on=issued_on,
        response_due_on=due_on,
        findings=findings,
        requests=requests,
        provisions=substantive,
        issued_by_id=actor.id,
    )
    session.add(letter)
    session.flush()
    for case in chosen:
        session.add(SupervisionLetterCase(letter_id=letter.id, case_id=case.id))
    audit.record_event(
        session,
        None,
        actor,
        "letter_issue",
        f"{issuer.union_name}就「{employer.name}」发出{kind.label} {number}"
        f"（列{len(chosen)}件案件）",
        {"letter": [None, number]},
    )
    session.flush()
    return letter


def _touch(session: Session, letter: SupervisionLetter, actor: User, summary: str, changes):
    letter.updated_at = utcnow()
    session.add(letter)
    audit.record_event(
        session, None, actor, "letter_record", f"{letter.number}：{summary}", changes
    )
    session.flush()


def record_service(
    session: Session,
    letter: SupervisionLetter,
    actor: User,
    served_on: date | None,
    method: str,
    served_to: str,
    today: date,
) -> None:
    """Record how and to whom the letter was served (送达)."""
    problems: list[tuple[str | None, str]] = []
    if served_on is None:
        problems.append(("served_on", "请填写送达日期"))
    elif served_on < letter.issued_on:
        problems.append(("served_on", "送达日期不能早于发出日期"))
    elif served_on > today:
        problems.append(("served_on", "送达日期不能晚于今天"))
    if method not in {m.value for m in ServiceMethod}:
        problems.append(("method", "请选择送达方式"))
    served_to = (served_to or "").strip()
    if not served_to:
        problems.append(("served_to", "请填写签收人（受送达人）"))
    elif len(served_to) > 100:
        problems.append(("served_to", "签收人不超过100字"))
    if letter.replied_on is not None and served_on is not None and served_on > letter.replied_on:
        problems.append(("served_on", "送达日期不能晚于已登记的回复日期"))
    if problems:
        raise RuleViolation(problems)
    before = audit.snapshot(letter, ["served_on", "service_method", "served_to"])
    letter.served_on, letter.service_method, letter.served_to = served_on, method, served_to
    changes = audit.changes_between(before, audit.snapshot(letter, list(before)))
    label = ServiceMethod(method).label
    _touch(session, letter, actor, f"{served_on:%Y-%m-%d}{label}，签收人{served_to}", changes)


def record_reply(
    session: Session,
    letter: SupervisionLetter,
    actor: User,
    replied_on: date | None,
    summary: str,
    today: date,
) -> None:
    """Record the addressee's reply (答复) and what it says, in short."""
    problems: list[tuple[str | None, str]] = []
    if letter.served_on is None:
        problems.append((None, "请先登记送达情况，再登记回复"))
    if replied_on is None:
        problems.append(("replied_on", "请填写回复日期"))
    elif letter.served_on is not None and replied_on < letter.served_on:
        problems.append(("replied_on", "回复日期不能早于送达日期"))
    elif replied_on > today:
        problems.append(("replied_on", "回复日期不能晚于今天"))
    summary = _text(problems, "summary", summary, "回复内容摘要", required=True)
    if problems:
        raise RuleViolation(problems)
    before = audit.snapshot(letter, ["replied_on", "reply_summary"])
    letter.replied_on, letter.reply_summary = replied_on, summary
    changes = audit.changes_between(before, audit.snapshot(letter, list(before)))
    _touch(session, letter, actor, f"{replied_on:%Y-%m-%d}收到回复", changes)


def record_referral(
    session: Session,
    letter: SupervisionLetter,
    actor: User,
    referred_on: date | None,
    note: str,
    today: date,
) -> None:
    """Mark the employer referred to labour inspection (劳动保障监察) on a date."""
    problems: list[tuple[str | None, str]] = []
    if referred_on is None:
        problems.append(("referred_on", "请填写移送日期"))
    elif referred_on < letter.issued_on:
        problems.append(("referred_on", "移送日期不能早于文书发出日期"))
    elif referred_on > today:
        problems.append(("referred_on", "移送日期不能晚于今天"))
    note = (note or "").strip()
    if len(note) > 200:
        problems.append(("note", "说明不超过200字"))
    if problems:
        raise RuleViolation(problems)
    before = audit.snapshot(letter, ["referred_on", "referral_note"])
    letter.referred_on, letter.referral_note = referred_on, note
    changes = audit.changes_between(before, audit.snapshot(letter, list(before)))
    _touch(session, letter, actor, f"{referred_on:%Y-%m-%d}移送劳动保障监察", changes)


# -- reading --------------------------------------------------------------------------------------


def _visible(scope: Scope):
    """A letter is visible to whoever sees one of the cases it lists."""
    listed = (
        select(SupervisionLetterCase.case_id)
        .join(Case, Case.id == SupervisionLetterCase.case_id)
        .where(SupervisionLetterCase.letter_id == SupervisionLetter.id)
    )
    return exists(scope.apply(listed, Case.centre_id))


def get_letter(session: Session, scope: Scope, letter_id: int) -> SupervisionLetter | None:
    """The letter if the user may see it (callers answer 404 for None)."""
    statement = select(SupervisionLetter).where(SupervisionLetter.id == letter_id)
    if not scope.is_city:
        statement = statement.where(_visible(scope))
    return session.exec(statement).first()


def letters_of(session: Session, scope: Scope, employer: Employer) -> list[SupervisionLetter]:
    """The employer's letters the user may see, newest first: its history."""
    statement = select(SupervisionLetter).where(SupervisionLetter.employer_id == employer.id)
    if not scope.is_city:
        statement = statement.where(_visible(scope))
    return list(
        session.exec(statement.order_by(SupervisionLetter.issued_on.desc(), SupervisionLetter.id))
    )


def listed_cases(session: Session, letter: SupervisionLetter) -> list[Case]:
    return list(
        session.exec(
            select(Case)
            .join(SupervisionLetterCase, SupervisionLetterCase.case_id == Case.id)
            .where(SupervisionLetterCase.letter_id == letter.id)
            .order_by(Case.received_on, Case.id)
        )
    )


def union_name(session: Session, letter: SupervisionLetter) -> str:
    district = session.get(District, letter.district_id) if letter.district_id else None
    return Issuer(district).union_name


def status_of(letter: SupervisionLetter, today: date) -> str:
    """Where the letter stands, in a word or two, for the history list."""
    if letter.referred_on is not None:
        return "已移送劳动保障监察"
    if letter.replied_on is not None:
        return "已回复"
    if letter.served_on is None:
        return "待送达"
    return "逾期未回复" if today > letter.response_due_on else "已送达，待回复"


# -- the document -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedCase:
    number: str
    received_on: date
    workers: int
    names: str  # the workers' names as the reader may see them (masked for supervisors)
    claimed_fen: int
    outcome: str


@dataclass(frozen=True)
class LetterDocument:
    letter: SupervisionLetter
    kind: LetterKind
    union_name: str
    employer: Employer
    cases: list[ListedCase]
    basis: list[Provision]
    provisions: list[Provision]
    personal_data: bool

    @property
    def claimed_fen(self) -> int:
        return sum(c.claimed_fen for c in self.cases)

    @property
    def workers(self) -> int:
        return sum(c.workers for c in self.cases)


NAMES_SHOWN = 3  # workers named per case; the rest are counted


def _names(workers: list[Worker], visible: bool) -> str:
    named = [shown(w.name, "name", visible) for w in workers[:NAMES_SHOWN]]
    more = len(workers) - NAMES_SHOWN
    return "、".join(named) + (f"等{len(workers)}人" if more > 0 else "")


def document(session: Session, letter: SupervisionLetter, user: User) -> LetterDocument:
    """What the printed letter says: the cases as the reader may see them (worker names masked
    for those who do not see personal data, mediation.privacy)."""
    access = personal_data_access(session, user)
    rows = []
    for case in listed_cases(session, letter):
        workers = list(
            session.exec(
                select(Worker)
                .where(Worker.case_id == case.id, Worker.placeholder.is_(False))
                .order_by(Worker.position, Worker.id)
            )
        )
        visible = access.shows(case.lawyer_id)
        rows.append(
            ListedCase(
                case.number,
                case.received_on,
                case.worker_count,
                _names(workers, visible),
                case.claimed_fen,
                CaseStatus(case.status).label,
            )
        )
    kind = LetterKind(letter.kind)
    return LetterDocument(
        letter=letter,
        kind=kind,
        union_name=union_name(session, letter),
        employer=session.get(Employer, letter.employer_id),
        cases=rows,
        basis=[PROVISIONS[code] for code in BASIS[kind]],
        provisions=[PROVISIONS[code] for code in letter.provisions if code in PROVISIONS],
        personal_data=access.everyone,
    )
