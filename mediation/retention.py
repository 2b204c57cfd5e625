"""How long a case's records are kept (PIPL art.19: no longer than the purpose needs).

Two clocks run from a case's closure (docs/retention.md says why these and not others):

- **Archiving (归档)**: `archive_after_days` after closure (or after the last instalment an
  agreement in force schedules, or after a supervisor last unarchived it, whichever is later)
  the case becomes read-only: every write to it or to what it owns is refused with 「案件已归档」
  until a centre supervisor unarchives it with a reason. Reading, search, documents and
  statistics are unchanged.
- **Anonymisation (匿名化)**: `retention_years` after closure its personal data is removed for
  good: workers' names become 申请人1, 2 …, ID numbers, phones and jobs are emptied, the free
  texts that carry personal details (facts, requests, oral record, notes, minutes, attendees,
  agreement terms, payment notes) are replaced, scans are deleted, and the names and numbers
  are blotted out of the case's history. Numbers, dates, amounts, categories, outcomes and
  counts stay, so every statistic is what it was.

Both are per centre (`Centre.archive_after_days`, `Centre.retention_years`), defaulting to the
configuration (`ARCHIVE_AFTER_DAYS`, `RETENTION_YEARS`). `flask --app app retention` runs them.

Writes are refused by a flush listener, the one guard every path meets (forms, imports,
commands); the case actions (`mediation.cases.actions`) give the same reason up front.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import event, exists, func, inspect, or_
from sqlmodel import Session, select

from mediation import audit, storage
from mediation.dates import today as local_today
from mediation.errors import RuleViolation
from mediation.permissions import Permission, can
from models import (
    CLOSED_STATUSES,
    Agreement,
    Attachment,
    AuditEvent,
    Case,
    Centre,
    ClaimLine,
    DocumentService,
    EmployerReply,
    Instalment,
    MediationSession,
    Message,
    OnlineApplication,
    Payment,
    Rating,
    SavedForm,
    User,
    Worker,
)

ARCHIVED = "案件已归档"
ARCHIVED_REASON = f"{ARCHIVED}，不能修改；如确需修改，请中心负责人先取消归档"
ANONYMISED = "（已匿名化）"
MAX_REASON = 200
SYSTEM = "系统（保存期限）"  # the actor of what the retention command does

# What a case owns, written only while the case is not archived.
_OWNED = (Worker, ClaimLine, MediationSession, Agreement, Payment, Attachment)
# Audit-trail keys whose values are personal details, blotted out on anonymisation.
_PERSONAL_KEYS = frozenset(
    {
        "name",
        "id_number",
        "phone",
        "job",
        "facts",
        "requests",
        "oral_record",
        "outcome_note",
        "note",
        "minutes",
        "attendees",
        "terms",
    }
)


@dataclass(frozen=True)
class Policy:
    """The configured defaults; a centre's own columns override them."""

    archive_after_days: int = 365
    retention_years: int = 10

    @classmethod
    def from_config(cls, config: Mapping) -> "Policy":
        """From ARCHIVE_AFTER_DAYS and RETENTION_YEARS (the application's configuration)."""
        return cls(config["ARCHIVE_AFTER_DAYS"], config["RETENTION_YEARS"])

    def archive_days_of(self, centre: Centre) -> int:
        return centre.archive_after_days or self.archive_after_days

    def retention_years_of(self, centre: Centre) -> int:
        return centre.retention_years or self.retention_years


def set_periods(
    session: Session, centre: Centre, archive_after_days: int | None, retention_years: int | None
) -> None:
    """Set (or, with None, clear back to the defaults) a centre's own periods."""
    problems = []
    if archive_after_days is not None and not 1 <= archive_after_days <= 3650:
        problems.append(("archive_after_days", "归档期限为1至3650天"))
    if retention_years is not None and not 1 <= retention_years <= 100:
        problems.append(("retention_years", "保存期限为1至100年"))
    if problems:
        raise RuleViolation(problems)
    centre.archive_after_days, centre.retention_years = archive_after_days, retention_years
    session.add(centre)
    session.flush()


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def is_archived(case: Case) -> bool:
    return case.archived_on is not None


# --- the guard -------------------------------------------------------------------------------


@contextmanager
def retention_writes(session: Session) -> Iterator[None]:
    """Within this block the guard lets archived cases be written: only this module uses it."""
    session.info["retention_writes"] = session.info.get("retention_writes", 0) + 1
    try:
        yield
    finally:
        session.info["retention_writes"] -= 1


def _archived_case_ids(session: Session) -> set[int]:
    """The archived cases that this flush would change, directly or through what they own."""
    touched: set[int] = set()
    for record in (*session.new, *session.dirty, *session.deleted):
        if isinstance(record, Case):
            written = record in session.deleted or session.is_modified(record)
            if written and record not in session.new and _stored_archived(session, record):
                touched.add(record.id)
        elif isinstance(record, _OWNED) and (
            record in session.deleted or session.is_modified(record, include_collections=False)
        ):
            case_id = record.case_id
            if case_id is None:
                continue
            with session.no_autoflush:
                case = session.get(Case, case_id)
            if case is not None and case.archived_on is not None:
                touched.add(case_id)
    return touched


def _stored_archived(session: Session, case: Case) -> bool:
    """Whether the database holds the case as archived (whatever this flush would set)."""
    history = inspect(case).attrs.archived_on.history
    if history.deleted or history.unchanged:
        return (history.deleted or history.unchanged)[0] is not None
    if not history.added:  # neither loaded nor set: load it
        with session.no_autoflush:
            return case.archived_on is not None
    # set while its stored value was not loaded (or was empty): ask the database
    stored = select(Case.archived_on).where(Case.id == case.id)
    return session.connection().execute(stored).scalar() is not None


def _refuse_archived_writes(session: Session, flush_context, instances) -> None:
    if session.info.get("retention_writes"):
        return
    if _archived_case_ids(session):
        raise RuleViolation(ARCHIVED_REASON)


event.listen(Session, "before_flush", _refuse_archived_writes)


# --- what is due -----------------------------------------------------------------------------


def _archive_due(centre: Centre, cutoff: date):
    """The conditions of a case of `centre` due for archiving when closed on or before
    `cutoff`: not archived, not unarchived after it, no instalment in force due after it."""
    late_instalment = exists(
        select(Instalment.id)
        .join(Agreement, Agreement.id == Instalment.agreement_id)
        .where(
            Agreement.case_id == Case.id,
            Agreement.superseded_on.is_(None),
            Instalment.due_on > cutoff,
        )
    )
    return (
        Case.centre_id == centre.id,
        Case.status.in_([s.value for s in CLOSED_STATUSES]),
        Case.archived_on.is_(None),
        Case.closed_on <= cutoff,
        or_(Case.unarchived_on.is_(None), Case.unarchived_on <= cutoff),
        ~late_instalment,
    )


def _anonymise_due(centre: Centre, cutoff: date):
    return (
        Case.centre_id == centre.id,
        Case.status.in_([s.value for s in CLOSED_STATUSES]),
        Case.anonymised_on.is_(None),
        Case.closed_on <= cutoff,
    )


@dataclass
class Due:
    """The cases due today: to archive, and to anonymise (which archives them too)."""

    archive: list[Case] = field(default_factory=list)
    anonymise: list[Case] = field(default_factory=list)


def due(session: Session, policy: Policy, today: date | None = None) -> Due:
    today = today or local_today()
    found = Due()
    for centre in session.exec(select(Centre).order_by(Centre.id)):
        archive_cutoff = today - timedelta(days=policy.archive_days_of(centre))
        anonymise_cutoff = years_before(today, policy.retention_years_of(centre))
        anonymise = session.exec(
            select(Case).where(*_anonymise_due(centre, anonymise_cutoff)).order_by(Case.id)
        ).all()
        skip = {case.id for case in anonymise}
        archive = session.exec(
            select(Case).where(*_archive_due(centre, archive_cutoff)).order_by(Case.id)
        ).all()
        found.archive += [case for case in archive if case.id not in skip]
        found.anonymise += anonymise
    return found


# --- operations ------------------------------------------------------------------------------


def archive(session: Session, case: Case, today: date | None = None) -> None:
    """Make a closed case read-only (the retention command; the clock is the caller's)."""
    if case.status_enum not in CLOSED_STATUSES:
        raise RuleViolation("只有已结案的案件才能归档")
    if is_archived(case):
        return
    with retention_writes(session):
        case.archived_on = today or local_today()
        session.add(case)
        audit.record_event(
            session,
            case,
            None,
            "archive",
            f"结案已满归档期限，案件归档（{case.archived_on:%Y-%m-%d}），此后只读",
            {"archived_on": [None, case.archived_on.isoformat()]},
            actor_name=SYSTEM,
        )
        session.flush()


def unarchive(
    session: Session, case: Case, actor: User, reason: str, today: date | None = None
) -> None:
    """A centre supervisor (or admin) makes an archived case writable again, with a reason;
    the archiving clock restarts from today."""
    if not can(actor, Permission.CASE_UNARCHIVE):
        raise RuleViolation("只有中心负责人或管理员可以取消归档")
    if not is_archived(case):
        raise RuleViolation("案件未归档")
    if case.anonymised_on is not None:
        raise RuleViolation("案件已匿名化，个人信息已删除，不能取消归档")
    reason = reason.strip()
    if not reason:
        raise RuleViolation([("reason", "取消归档须写明理由")])
    if len(reason) > MAX_REASON:
        raise RuleViolation([("reason", f"理由不超过{MAX_REASON}字")])
    today = today or local_today()
    before = audit.snapshot(case, ["archived_on", "unarchived_on"])
    with retention_writes(session):
        case.archived_on, case.unarchived_on = None, today
        session.add(case)
        after = audit.snapshot(case, list(before))
        changes = audit.changes_between(before, after)
        audit.record_event(session, case, actor, "unarchive", f"取消归档：{reason}", changes)
        session.flush()


def anonymise(session: Session, case: Case, today: date | None = None) -> list[str]:
    """Remove the case's personal data for good (archiving it if it was not); returns the
    stored names of its scans, whose files the caller deletes once this is committed."""
    today = today or local_today()
    with retention_writes(session):
        if not is_archived(case):
            archive(session, case, today)
        secrets = _personal_strings(session, case)
        workers = session.exec(
            select(Worker).where(Worker.case_id == case.id).order_by(Worker.position, Worker.id)
        ).all()
        for number, worker in enumerate(workers, start=1):
            worker.name = f"申请人{number}"
            worker.id_number = worker.phone = worker.job = ""
            worker.id_key = worker.phone_key = None
            session.add(worker)
        case.facts = case.requests = case.outcome_note = case.note = ""
        case.oral_record = ANONYMISED if case.oral_record else ""
        for record in session.exec(
            select(MediationSession).where(MediationSession.case_id == case.id)
        ):
            record.attendees = ""
            record.minutes = ANONYMISED if record.minutes else ""
            session.add(record)
        for agreement in session.exec(select(Agreement).where(Agreement.case_id == case.id)):
            agreement.terms = ANONYMISED if agreement.terms else ""
            session.add(agreement)
        for payment in session.exec(select(Payment).where(Payment.case_id == case.id)):
            payment.note = ""
            session.add(payment)
        scans = session.exec(select(Attachment).where(Attachment.case_id == case.id)).all()
        stored = [scan.stored_name for scan in scans]
        for scan in scans:
            storage.store.delete(session, storage.scan_key(scan.stored_name))
            session.delete(scan)
        _anonymise_online(session, case)
        _blot_history(session, case, secrets)
        case.anonymised_on = today
        session.add(case)
        audit.record_event(
            session,
            case,
            None,
            "anonymise",
            f"结案已满{_years_since(case, today)}年，个人信息已匿名化，删除扫描件{len(stored)}份"
            "（案号、日期、金额、结果与人数保留，统计不变）",
            {"anonymised_on": [None, today.isoformat()]},
            actor_name=SYSTEM,
        )
        session.flush()
    return stored


def _anonymise_online(session: Session, case: Case) -> None:
    """What the online services kept of the parties: messages (their phones, texts and values),
    the application, the employer's answer, electronic services and rating comments."""
    for message in session.exec(select(Message).where(Message.case_id == case.id)):
        message.recipient, message.recipient_key = "", None
        message.provider_ref = None  # the provider's records of it name the phone
        message.text, message.params = ANONYMISED, {}
        session.add(message)
    for model in (OnlineApplication, EmployerReply, DocumentService):
        for record in session.exec(select(model).where(model.case_id == case.id)):
            record.phone = ""
            if isinstance(record, OnlineApplication):
                record.data = {}
            if isinstance(record, EmployerReply):
                record.contact_name = ""
                record.reason = ANONYMISED if record.reason else ""
            session.add(record)
    for rating in session.exec(select(Rating).where(Rating.case_id == case.id)):
        rating.comment = ""
        session.add(rating)


def _years_since(case: Case, today: date) -> int:
    closed = case.closed_on or today
    return today.year - closed.year - ((today.month, today.day) < (closed.month, closed.day))


def _personal_strings(session: Session, case: Case) -> list[str]:
    """Every name, ID number, phone and job the case holds or its history mentions, longest
    first (so that 李建华 goes before 李建). One-character values are left: blotting 甲 out of
    every sentence would garble the history without protecting anyone."""
    values: set[str] = set()
    for worker in session.exec(select(Worker).where(Worker.case_id == case.id)):
        values |= {worker.name, worker.id_number, worker.phone, worker.job}
    for changes in session.exec(select(AuditEvent.changes).where(AuditEvent.case_id == case.id)):
        for key, pair in (changes or {}).items():
            if key in ("name", "id_number", "phone", "job"):
                values |= {v for v in pair if isinstance(v, str)}
    return sorted((v for v in values if v and len(v) > 1), key=len, reverse=True)


def _blot(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, ANONYMISED)
    return text


def _blot_history(session: Session, case: Case, secrets: list[str]) -> None:
    for event_ in session.exec(select(AuditEvent).where(AuditEvent.case_id == case.id)):
        event_.summary = _blot(event_.summary, secrets)
        event_.changes = {
            key: [
                (ANONYMISED if value not in (None, "") else value)
                if key.split(".")[0] in _PERSONAL_KEYS
                else (_blot(value, secrets) if isinstance(value, str) else value)
                for value in pair
            ]
            for key, pair in (event_.changes or {}).items()
        }
        session.add(event_)


def purge_saved_forms(session: Session, now: datetime) -> int:
    """Delete the forms kept across an expired login (views/refill.py) that nobody claimed in
    time: they hold what a user typed, personal data included."""
    expired = session.exec(select(SavedForm).where(SavedForm.expires_at < now)).all()
    for row in expired:
        session.delete(row)
    session.flush()
    return len(expired)


@dataclass(frozen=True)
class Outcome:
    """What a run did (or, dry, would do)."""

    archived: int
    anonymised: int
    scans: int  # deleted (or, dry, to be deleted) with the anonymised cases
    files: list[str] = field(default_factory=list)  # their stored names: delete after commit


def run(
    session: Session, policy: Policy, today: date | None = None, dry_run: bool = False
) -> Outcome:
    """Archive and anonymise every case due today; flushes, the caller commits."""
    today = today or local_today()
    found = due(session, policy, today)
    if dry_run:
        scans = session.exec(
            select(func.count(Attachment.id)).where(
                Attachment.case_id.in_([case.id for case in found.anonymise])
            )
        ).one()
        return Outcome(len(found.archive), len(found.anonymise), scans)
    for case in found.archive:
        archive(session, case, today)
    files: list[str] = []
    for case in found.anonymise:
        files += anonymise(session, case, today)
    return Outcome(len(found.archive), len(found.anonymise), len(files), files)
