"""The case state machine: an explicit transition table and verb-named operations.

Each operation checks the table and the rules, mutates the case, appends an audit event and
flushes. Views commit.
"""

from datetime import date, datetime

from sqlmodel import Session, select

from mediation import audit
from mediation.bounds import case_date_problem, latest_schedule_day
from mediation.cases.deadlines import calendar_from, mediation_due, original_mediation_due
from mediation.cases.intake import refresh_totals, touch
from mediation.dates import TZ
from mediation.dates import now as local_now
from mediation.dates import today as local_today
from mediation.errors import RuleViolation
from mediation.notices.catalogue import Notice, notify_workers, session_when
from mediation.online.ratings import invite_ratings
from mediation.periods import MAX_EXTENSION_DAYS
from mediation.statistics import flows
from models import (
    CLOSED_STATUSES,
    Agreement,
    Case,
    CaseStatus,
    FailureReason,
    MediationSession,
    User,
)

S = CaseStatus
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.RECEIVED: frozenset({S.ACCEPTED, S.REFUSED, S.WITHDRAWN, S.VOIDED}),
    S.ACCEPTED: frozenset({S.IN_MEDIATION, S.FAILED, S.WITHDRAWN, S.VOIDED}),
    S.IN_MEDIATION: frozenset({S.SUCCEEDED, S.FAILED, S.WITHDRAWN}),
    S.REFUSED: frozenset(),
    S.SUCCEEDED: frozenset(),
    S.FAILED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.VOIDED: frozenset(),
}
MAX_REASON_LENGTH = 200  # refusal_reason and void_reason columns


def move_to(case: Case, target: CaseStatus) -> None:
    """Set the status if the transition table allows it; the caller audits and flushes."""
    current = case.status_enum
    if target not in TRANSITIONS[current]:
        raise RuleViolation(f"案件当前状态为「{current.label}」，不能变更为「{target.label}」")
    case.status = target.value


def _past_date(value: date | None, field: str, label: str, today: date) -> list:
    if value is None:
        return [(field, f"请填写{label}")]
    if value > today:
        return [(field, f"{label}不能晚于今天")]
    return []


def accept(
    session: Session, case: Case, actor: User, accepted_on: date, today: date | None = None
) -> None:
    today = today or local_today()
    problems = _past_date(accepted_on, "accepted_on", "受理日期", today)
    if not problems and (message := case_date_problem(accepted_on, "受理日期", today)):
        problems.append(("accepted_on", message))
    if not problems and accepted_on < case.received_on:
        problems.append(("accepted_on", "受理日期不能早于收到申请日期"))
    if problems:
        raise RuleViolation(problems)
    before = audit.snapshot(case, ["status", "accepted_on"])
    move_to(case, S.ACCEPTED)
    case.accepted_on = accepted_on
    case.mediation_due_on = mediation_due(case, calendar_from(session, accepted_on))
    _finish(session, case, actor, before, "accept", f"受理案件（{accepted_on:%Y-%m-%d}）")
    notify_workers(session, case, Notice.ACCEPTED, on=accepted_on)
    start_mediation_if_ready(session, case, actor)  # mediator and lawyer assigned beforehand


def refuse(
    session: Session,
    case: Case,
    actor: User,
    refused_on: date,
    reason: str,
    today: date | None = None,
) -> None:
    today = today or local_today()
    problems = _past_date(refused_on, "refused_on", "决定日期", today)
    if not problems and refused_on < case.received_on:
        problems.append(("refused_on", "决定日期不能早于收到申请日期"))
    if not reason.strip():
        problems.append(("reason", "不予受理须写明理由"))
    elif len(reason.strip()) > MAX_REASON_LENGTH:
        problems.append(("reason", f"不予受理理由不超过{MAX_REASON_LENGTH}字"))
    if problems:
        raise RuleViolation(problems)
    before = audit.snapshot(case, ["status", "closed_on", "refusal_reason"])
    move_to(case, S.REFUSED)
    case.closed_on, case.refusal_reason = refused_on, reason.strip()
    _finish(session, case, actor, before, "refuse", f"不予受理：{case.refusal_reason}")
    notify_workers(session, case, Notice.REFUSED, reason=case.refusal_reason)


def void(session: Session, case: Case, actor: User, reason: str, today: date | None = None) -> None:
    if not reason.strip():
        raise RuleViolation([("reason", "作废须写明理由（如：重复登记、录入错误）")])
    if len(reason.strip()) > MAX_REASON_LENGTH:
        raise RuleViolation([("reason", f"作废理由不超过{MAX_REASON_LENGTH}字")])
    before = audit.snapshot(case, ["status", "closed_on", "void_reason"])
    move_to(case, S.VOIDED)
    case.closed_on = max(today or local_today(), case.received_on)
    case.void_reason = reason.strip()
    _finish(session, case, actor, before, "void", f"作废：{case.void_reason}")


def withdraw(
    session: Session,
    case: Case,
    actor: User,
    withdrawn_on: date,
    note: str = "",
    today: date | None = None,
) -> None:
    today = today or local_today()
    problems = _past_date(withdrawn_on, "closed_on", "撤回日期", today)
    if not problems and withdrawn_on < (case.accepted_on or case.received_on):
        problems.append(("closed_on", "撤回日期不能早于受理（或收到申请）日期"))
    if problems:
        raise RuleViolation(problems)
    before = audit.snapshot(case, ["status", "closed_on", "outcome_note"])
    move_to(case, S.WITHDRAWN)
    case.closed_on, case.outcome_note = withdrawn_on, note.strip()
    _finish(session, case, actor, before, "withdraw", "申请人撤回调解申请")


def fail(
    session: Session,
    case: Case,
    actor: User,
    closed_on: date,
    reason: str,
    note: str = "",
    arbitration_applied_on: date | None = None,
    today: date | None = None,
) -> None:
    """Close as failed (调解不成 / 终止) with a reason from the list and free text."""
    today = today or local_today()
    problems = _past_date(closed_on, "closed_on", "终止日期", today)
    if not problems and case.accepted_on and closed_on < case.accepted_on:
        problems.append(("closed_on", "终止日期不能早于受理日期"))
    if reason not in {r.value for r in FailureReason}:
        problems.append(("reason", "请选择调解不成的原因"))
    elif reason == FailureReason.OTHER and not note.strip():
        problems.append(("note", "原因为「其他」时须说明情况"))
    if arbitration_applied_on is not None and arbitration_applied_on > today:
        problems.append(("arbitration_applied_on", "申请仲裁日期不能晚于今天"))
    if problems:
        raise RuleViolation(problems)
    before = audit.snapshot(
        case, ["status", "closed_on", "failure_reason", "outcome_note", "arbitration_applied_on"]
    )
    move_to(case, S.FAILED)
    case.closed_on, case.failure_reason, case.outcome_note = closed_on, reason, note.strip()
    case.arbitration_applied_on = arbitration_applied_on
    _finish(session, case, actor, before, "fail", f"调解不成：{FailureReason(reason).label}")


def record_arbitration(
    session: Session, case: Case, actor: User, applied_on: date, today: date | None = None
) -> None:
    """After failure: the worker applied for arbitration on this date."""
    if case.status_enum is not S.FAILED:
        raise RuleViolation("只有调解不成的案件才能登记申请仲裁")
    problems = _past_date(
        applied_on, "arbitration_applied_on", "申请仲裁日期", today or local_today()
    )
    if problems:
        raise RuleViolation(problems)
    before = audit.snapshot(case, ["arbitration_applied_on"])
    case.arbitration_applied_on = applied_on
    _finish(session, case, actor, before, "arbitration", f"申请人已于{applied_on}申请仲裁")


def extension_refusal(case: Case) -> str:
    """Why the mediation deadline of this case cannot be extended now ("" if it can)."""
    if case.status_enum not in (S.ACCEPTED, S.IN_MEDIATION):
        return "只有已受理、调解中的案件可以延长调解期限"
    if case.extension_days:
        return "调解期限只能延长一次"
    return ""


def extend(
    session: Session,
    case: Case,
    actor: User,
    consent_on: date,
    days: int,
    today: date | None = None,
    after_expiry: bool = False,
) -> None:
    """Record both parties' consent to extend the acceptance-based deadline, once, with the
    date they consented. Consent given after the 15 days had run out is allowed, but the user
    must say so (`after_expiry`), and it is shown as such."""
    today = today or local_today()
    if refusal := extension_refusal(case):
        raise RuleViolation(refusal)
    problems = _past_date(consent_on, "consent_on", "双方同意日期", today)
    if not problems and case.accepted_on and consent_on < case.accepted_on:
        problems.append(("consent_on", "双方同意日期不能早于受理日期"))
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        problems.append(("days", f"延长天数为1至{MAX_EXTENSION_DAYS}天"))
    calendar = calendar_from(session, case.accepted_on or case.received_on)
    due = original_mediation_due(case, calendar)
    expired = not problems and due is not None and consent_on > due
    if expired and not after_expiry:
        problems.append(
            (
                "consent_on",
                f"原调解期限已于{due:%Y-%m-%d}届满，双方同意延长在期限届满之后："
                "如属实，请勾选「期限届满后同意延长」",
            )
        )
    elif after_expiry and not expired and not problems:
        problems.append(("after_expiry", f"双方同意日期未晚于原调解期限（{due:%Y-%m-%d}）"))
    if problems:
        raise RuleViolation(problems)
    before = audit.snapshot(case, ["extension_days", "extension_consent_on"])
    case.extension_days, case.extension_consent_on = days, consent_on
    case.mediation_due_on = mediation_due(case, calendar)
    when = "期限届满后" if expired else ""
    summary = f"经双方同意（{consent_on:%Y-%m-%d}{when}）延长调解期限{days}天"
    _finish(session, case, actor, before, "extend", summary)


def reopen(
    session: Session, case: Case, actor: User, reason: str, today: date | None = None
) -> None:
    """A centre supervisor reopens a closed case; it returns to where its work stood. Reopening
    a succeeded case undoes its outcome: the agreement is superseded (kept as history, with its
    terms, amounts and signature dates) and the case has no agreement in force, so it counts
    as succeeded nowhere until a new agreement takes effect. Payments stay with their workers."""
    if case.status_enum not in CLOSED_STATUSES:
        raise RuleViolation("只有已结案的案件才能重新打开")
    if not reason.strip():
        raise RuleViolation([("reason", "重新打开须写明理由")])
    before = audit.snapshot(case, ["status", "closed_on", "agreed_fen"])
    if case.accepted_on is None:
        target = S.RECEIVED
    elif _mediation_started(session, case):
        target = S.IN_MEDIATION
    else:
        target = S.ACCEPTED
    case.status, case.closed_on = target.value, None
    flows.record_reopening(session, case, before, today or local_today())
    summary = f"重新打开：{reason.strip()}"
    superseded = _supersede_agreement(session, case, today or local_today())
    if superseded is not None:
        summary += f"；原调解协议（{superseded.effective_on}生效）失效，需重新签订"
    _finish(session, case, actor, before, "reopen", summary)


def _supersede_agreement(session: Session, case: Case, on: date) -> Agreement | None:
    """Mark the case's effective agreement superseded on `on` and drop the case's agreed
    total to that of the agreement in force (none); returns it, if there was one."""
    agreement = session.exec(
        select(Agreement).where(Agreement.case_id == case.id, Agreement.superseded_on.is_(None))
    ).first()
    if agreement is None or agreement.effective_on is None:
        return None
    agreement.superseded_on = max(on, agreement.effective_on)
    session.add(agreement)
    refresh_totals(session, case)
    return agreement


def _mediation_started(session: Session, case: Case) -> bool:
    has_session = session.exec(
        select(MediationSession.id).where(MediationSession.case_id == case.id)
    ).first()
    return bool(has_session) or (case.mediator_id is not None and case.lawyer_id is not None)


def start_mediation_if_ready(session: Session, case: Case, actor: User) -> None:
    """accepted → in_mediation once a mediator and a lawyer are assigned or a session held."""
    if case.status_enum is S.ACCEPTED and _mediation_started(session, case):
        before = audit.snapshot(case, ["status"])
        move_to(case, S.IN_MEDIATION)
        _finish(session, case, actor, before, "start_mediation", "案件进入调解")


def record_session(
    session: Session,
    case: Case,
    actor: User,
    starts_at: datetime,
    duration_minutes: int | None,
    place: str,
    attendees: str,
    minutes: str,
    mediation_session: MediationSession | None = None,
) -> MediationSession:
    """Schedule a session (start ahead, no duration yet) or record one held (with minutes)."""
    if case.status_enum not in (S.ACCEPTED, S.IN_MEDIATION):
        raise RuleViolation("只有已受理或调解中的案件可以安排或记录调解")
    problems = []
    starts_local = starts_at.astimezone(TZ) if starts_at.tzinfo else starts_at.replace(tzinfo=TZ)
    held = duration_minutes is not None or bool(minutes.strip())
    if held and starts_local > local_now():
        problems.append(("starts_at", "已举行的调解，开始时间不能晚于现在"))
    if starts_local.date() < (case.accepted_on or case.received_on):
        problems.append(("starts_at", "调解时间不能早于受理日期"))
    elif starts_local.date() > (latest := latest_schedule_day(local_today())):
        problems.append(("starts_at", f"调解时间不能晚于{latest:%Y-%m-%d}（一年以内）"))
    if duration_minutes is not None and not 1 <= duration_minutes <= 24 * 60:
        problems.append(("duration_minutes", "时长应为1至1440分钟"))
    if held and duration_minutes is None:
        problems.append(("duration_minutes", "已举行的调解请填写时长"))
    if problems:
        raise RuleViolation(problems)
    record = mediation_session or MediationSession(case_id=case.id, starts_at=starts_local)
    before = audit.snapshot(record, ["starts_at", "duration_minutes", "place", "attendees"])
    record.starts_at = starts_local
    record.duration_minutes = duration_minutes
    record.place, record.attendees, record.minutes = place.strip(), attendees.strip(), minutes
    record.recorded_by_id = actor.id
    session.add(record)
    touch(case)
    session.add(case)
    session.flush()
    verb = "记录调解" if held else "安排调解"
    when = starts_local.strftime("%Y-%m-%d %H:%M")
    audit.record_event(
        session,
        case,
        actor,
        "session",
        f"{verb}：{when}" + (f"，{duration_minutes}分钟" if duration_minutes else ""),
        audit.changes_between(
            before, audit.snapshot(record, ["starts_at", "duration_minutes", "place", "attendees"])
        ),
    )
    if held:
        start_mediation_if_ready(session, case, actor)
    elif (
        mediation_session is None
        or before["starts_at"] != record.starts_at
        or (before["place"] != record.place)
    ):
        notice = Notice.SESSION_SCHEDULED if mediation_session is None else Notice.SESSION_CHANGED
        when = session_when(starts_local)
        notify_workers(session, case, notice, when=when, place=record.place or "调解中心")
    session.flush()
    return record


def _finish(
    session: Session, case: Case, actor: User | None, before: dict, action: str, summary: str
) -> None:
    after = audit.snapshot(case, list(before))
    touch(case)
    session.add(case)
    audit.record_event(session, case, actor, action, summary, audit.changes_between(before, after))
    session.flush()
    invite_ratings(session, case)  # a case closed with a result
