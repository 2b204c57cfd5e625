"""Early warnings for supervisors (人社部发〔2022〕71号: risk monitoring and early warning of
labour disputes): lists of cases that need a supervisor's eye, each case with the reason it is
on the list. Every list is one SQL query within the user's scope, counted and paged in SQL.

Kinds (thresholds in `Thresholds`, set from the app's WARN_* configuration keys):

- stale: open cases with no recorded activity (an audit event, or a session starting) for
  `stale_days` days.
- no_session: accepted cases (已受理/调解中) accepted `no_session_days` or more days ago with no
  session held or scheduled.
- overdue: open cases past any deadline (the acceptance decision, the statutory 15 days from
  receipt of law art.14, the practice deadline from acceptance with its extension), by mediator.
- collective: collective disputes (ten or more workers, law art.7) received in the last
  `recent_days` days.
- large: other disputes received in the last `recent_days` days with at least `many_workers`
  workers or claimed unpaid wages (拖欠工资) of at least `large_arrears_fen`.
- new_employment: new-employment-form disputes (新就业形态) received in the last `recent_days`
  days, by employer (the platform company or the contractor recorded as employer).
- repeat_employers: cases of employers with at least `repeat_claims` cases received within the
  rolling `repeat_days` days.
Voided cases never count.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, func, or_
from sqlmodel import Session, select

from mediation.cases import deadlines
from mediation.dates import TZ
from mediation.money import format_yuan
from mediation.periods import ACCEPTANCE_WORKING_DAYS, STATUTORY_DAYS, WorkCalendar
from mediation.reference.calendar import load_calendar
from mediation.scope import Scope
from models import (
    OPEN_STATUSES,
    AuditEvent,
    Case,
    CaseStatus,
    ClaimKind,
    ClaimLine,
    Employer,
    MediationSession,
    User,
)

PAGE_SIZE = 50


@dataclass(frozen=True)
class Thresholds:
    stale_days: int = 10
    no_session_days: int = 7
    recent_days: int = 30
    many_workers: int = 5
    large_arrears_fen: int = 20_000_000  # 20万元
    repeat_days: int = 365
    repeat_claims: int = 3

    @classmethod
    def from_config(cls, config) -> "Thresholds":
        """From a mapping with WARN_STALE_DAYS, WARN_NO_SESSION_DAYS, ... (defaults otherwise)."""
        values = {}
        for name in cls.__dataclass_fields__:
            key = f"WARN_{name.upper()}"
            if config.get(key) is not None:
                values[name] = max(1, int(config[key]))
        return cls(**values)


@dataclass(frozen=True)
class Flagged:
    id: int
    number: str
    employer: str
    mediator: str
    reason: str
    employer_id: int | None = None  # the employer's page: supervision letters start there


@dataclass(frozen=True)
class WarningList:
    kind: str
    title: str
    rule: str  # why a case is on this list, in general
    count: int  # all the cases on the list, not only this page
    cases: list[Flagged]
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


@dataclass(frozen=True)
class _Context:
    session: Session
    scope: Scope
    today: date
    limits: Thresholds
    calendar: WorkCalendar

    def start_of(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=TZ)


def _open():
    return Case.status.in_([s.value for s in OPEN_STATUSES])


def _latest_receipt_past(today: date, deadline_of: Callable[[date], date]) -> date:
    """The latest day of receipt whose deadline lies before today (deadlines never come earlier
    for a later receipt, so every earlier receipt is past it too)."""
    day = today - timedelta(days=1)
    while deadline_of(day) >= today:
        day -= timedelta(days=1)
    return day


def _acceptance_cutoff(ctx: _Context) -> date:
    return _latest_receipt_past(
        ctx.today, lambda d: ctx.calendar.add_working_days(d, ACCEPTANCE_WORKING_DAYS)
    )


def _statutory_cutoff(ctx: _Context) -> date:
    return _latest_receipt_past(ctx.today, lambda d: ctx.calendar.period_end(d, STATUTORY_DAYS))


def _wages_claimed():
    return (
        select(func.coalesce(func.sum(ClaimLine.claimed_fen), 0))
        .where(ClaimLine.case_id == Case.id, ClaimLine.kind == ClaimKind.WAGES.value)
        .correlate(Case)
        .scalar_subquery()
    )


def _last_activity():
    return (
        select(func.max(AuditEvent.at))
        .where(AuditEvent.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )


def _repeat_counts(ctx: _Context):
    """Employers with at least `repeat_claims` cases received in the rolling period."""
    since = ctx.today - timedelta(days=ctx.limits.repeat_days - 1)
    return ctx.scope.apply(
        select(Case.employer_id, func.count().label("n"))
        .where(Case.received_on >= since, Case.status != CaseStatus.VOIDED.value)
        .group_by(Case.employer_id)
        .having(func.count() >= ctx.limits.repeat_claims),
        Case.centre_id,
    ).subquery()


@dataclass(frozen=True)
class _Kind:
    kind: str
    title: str
    rule: Callable[[Thresholds], str]
    conditions: Callable[[_Context], list]
    order: Callable[[_Context], list]
    extra: Callable[[_Context], list]  # more columns the reason needs
    reason: Callable[[_Context, Case, tuple], str]
    join_repeats: bool = False


def _stale_conditions(ctx):
    cutoff = ctx.start_of(ctx.today - timedelta(days=ctx.limits.stale_days))
    recent_event = exists().where(AuditEvent.case_id == Case.id, AuditEvent.at >= cutoff)
    recent_session = exists().where(
        MediationSession.case_id == Case.id, MediationSession.starts_at >= cutoff
    )
    return [_open(), ~recent_event, ~recent_session]


def _stale_reason(ctx, case, extra):
    (last,) = extra
    if last is None:
        return f"没有任何办理记录，已超过{ctx.limits.stale_days}天"
    day = last.astimezone(TZ).date() if last.tzinfo else last.date()
    days = (ctx.today - day).days
    return f"最后一次办理于{day}，已{days}天没有进展（预警：{ctx.limits.stale_days}天）"


def _no_session_conditions(ctx):
    accepted_before = ctx.today - timedelta(days=ctx.limits.no_session_days)
    any_session = exists().where(MediationSession.case_id == Case.id)
    return [
        Case.status.in_([CaseStatus.ACCEPTED.value, CaseStatus.IN_MEDIATION.value]),
        Case.accepted_on <= accepted_before,
        ~any_session,
    ]


def _no_session_reason(ctx, case, extra):
    days = (ctx.today - case.accepted_on).days
    return (
        f"受理于{case.accepted_on}，已{days}天仍未安排调解"
        f"（预警：受理后{ctx.limits.no_session_days}天）"
    )


def _overdue_conditions(ctx):
    return [
        _open(),
        or_(
            Case.received_on <= _statutory_cutoff(ctx),
            and_(
                Case.status == CaseStatus.RECEIVED.value,
                Case.received_on <= _acceptance_cutoff(ctx),
            ),
            Case.mediation_due_on < ctx.today,
        ),
    ]


def _overdue_reason(ctx, case, extra):
    passed = []
    if case.status == CaseStatus.RECEIVED.value:
        due = deadlines.acceptance_due(case, ctx.calendar)
        if due < ctx.today:
            passed.append(f"受理决定期限{due}（收到后3个工作日）")
    due = deadlines.statutory_due(case, ctx.calendar)
    if due < ctx.today:
        passed.append(f"法定调解期限{due}（收到申请之日起15日，调解法第十四条）")
    if case.mediation_due_on is not None and case.mediation_due_on < ctx.today:
        extended = f"，含延长{case.extension_days}天" if case.extension_days else ""
        passed.append(f"调解期限{case.mediation_due_on}（受理后15日{extended}）")
    return "已过" + "；".join(passed)


def _recent(ctx):
    since = ctx.today - timedelta(days=ctx.limits.recent_days - 1)
    return [Case.received_on >= since, Case.status != CaseStatus.VOIDED.value]


def _collective_reason(ctx, case, extra):
    (wages,) = extra
    text = f"集体劳动争议：{case.worker_count}名劳动者，收到于{case.received_on}"
    if wages >= ctx.limits.large_arrears_fen:
        text += f"；拖欠工资{format_yuan(wages)}元"
    return text


def _large_conditions(ctx):
    many = Case.worker_count >= ctx.limits.many_workers
    arrears = _wages_claimed() >= ctx.limits.large_arrears_fen
    return [*_recent(ctx), Case.collective.is_(False), or_(many, arrears)]


def _large_reason(ctx, case, extra):
    (wages,) = extra
    parts = []
    if case.worker_count >= ctx.limits.many_workers:
        parts.append(f"涉及{case.worker_count}名劳动者（预警：{ctx.limits.many_workers}人）")
    if wages >= ctx.limits.large_arrears_fen:
        limit = format_yuan(ctx.limits.large_arrears_fen)
        parts.append(f"拖欠工资{format_yuan(wages)}元（预警：{limit}元）")
    return f"收到于{case.received_on}，" + "；".join(parts)


def _new_employment_reason(ctx, case, extra):
    (employer, n) = extra
    return f"新就业形态争议，用人单位（平台企业或承包商）{employer}在近期共{n}件"


def _new_employment_counts(ctx):
    return (
        select(func.count())
        .select_from(Case)
        .where(
            Case.employer_id == Employer.id,
            Case.new_employment.is_(True),
            *_recent(ctx),
            *([c] if (c := ctx.scope.condition(Case.centre_id)) is not None else []),
        )
        .correlate(Employer)
        .scalar_subquery()
    )


def _repeat_reason(ctx, case, extra):
    (employer, n) = extra
    return (
        f"{employer}在{ctx.limits.repeat_days}天内被申请调解{n}件"
        f"（预警：{ctx.limits.repeat_claims}件）"
    )


KINDS: dict[str, _Kind] = {
    k.kind: k
    for k in (
        _Kind(
            "stale",
            "长期无进展",
            lambda t: f"未结案件连续{t.stale_days}天没有任何办理记录",
            _stale_conditions,
            lambda ctx: [Case.received_on, Case.id],
            lambda ctx: [_last_activity()],
            _stale_reason,
        ),
        _Kind(
            "no_session",
            "受理后未安排调解",
            lambda t: f"受理已满{t.no_session_days}天，仍未安排或记录调解",
            _no_session_conditions,
            lambda ctx: [Case.accepted_on, Case.id],
            lambda ctx: [],
            _no_session_reason,
        ),
        _Kind(
            "overdue",
            "超过期限（按调解员）",
            lambda t: "未结案件已过受理决定、法定调解或受理后调解期限中的任一期限",
            _overdue_conditions,
            lambda ctx: [func.coalesce(User.display_name, ""), Case.received_on, Case.id],
            lambda ctx: [],
            _overdue_reason,
        ),
        _Kind(
            "collective",
            "集体劳动争议",
            lambda t: f"近{t.recent_days}天收到的集体劳动争议（10人以上）",
            lambda ctx: [*_recent(ctx), Case.collective.is_(True)],
            lambda ctx: [Case.received_on.desc(), Case.id],
            lambda ctx: [_wages_claimed()],
            _collective_reason,
        ),
        _Kind(
            "large",
            "人数较多或欠薪数额较大",
            lambda t: (
                f"近{t.recent_days}天收到、涉及{t.many_workers}人以上或拖欠工资"
                f"{format_yuan(t.large_arrears_fen)}元以上的争议"
            ),
            _large_conditions,
            lambda ctx: [Case.received_on.desc(), Case.id],
            lambda ctx: [_wages_claimed()],
            _large_reason,
        ),
        _Kind(
            "new_employment",
            "新就业形态争议（按用人单位）",
            lambda t: f"近{t.recent_days}天收到的新就业形态争议，按平台企业或承包商归集",
            lambda ctx: [*_recent(ctx), Case.new_employment.is_(True)],
            lambda ctx: [_new_employment_counts(ctx).desc(), Employer.name, Case.id],
            lambda ctx: [Employer.name, _new_employment_counts(ctx)],
            _new_employment_reason,
        ),
        _Kind(
            "repeat_employers",
            "同一用人单位反复被申请",
            lambda t: f"{t.repeat_days}天内被申请调解{t.repeat_claims}件以上的用人单位的案件",
            lambda ctx: [Case.status != CaseStatus.VOIDED.value],
            lambda ctx: [Employer.name, Case.received_on.desc(), Case.id],
            lambda ctx: [Employer.name],
            _repeat_reason,
            join_repeats=True,
        ),
    )
}


def _context(session: Session, scope: Scope, today: date, limits: Thresholds) -> _Context:
    calendar = load_calendar(session, today - timedelta(days=400), today + timedelta(days=30))
    return _Context(session, scope, today, limits, calendar)


def _base(ctx: _Context, spec: _Kind, columns: list):
    statement = (
        select(*columns)
        .select_from(Case)
        .join(Employer, Employer.id == Case.employer_id)
        .join(User, User.id == Case.mediator_id, isouter=True)
    )
    if spec.join_repeats:
        repeats = _repeat_counts(ctx)
        since = ctx.today - timedelta(days=ctx.limits.repeat_days - 1)
        statement = statement.join(repeats, repeats.c.employer_id == Case.employer_id).where(
            Case.received_on >= since
        )
    statement = statement.where(*spec.conditions(ctx))
    return ctx.scope.apply(statement, Case.centre_id), (repeats if spec.join_repeats else None)


def _count(ctx: _Context, spec: _Kind) -> int:
    statement, _ = _base(ctx, spec, [func.count()])
    return ctx.session.exec(statement).one()


def _list(ctx: _Context, spec: _Kind, page: int, page_size: int) -> WarningList:
    extra = spec.extra(ctx)
    statement, repeats = _base(ctx, spec, [Case, Employer.name, User, *extra])
    if repeats is not None:
        statement = statement.add_columns(repeats.c.n)
    rows = ctx.session.exec(
        statement.order_by(*spec.order(ctx)).limit(page_size).offset((page - 1) * page_size)
    ).all()
    cases = []
    for case, employer, mediator, *more in rows:
        reason_extra = (employer, more[-1]) if repeats is not None else tuple(more)
        cases.append(
            Flagged(
                case.id,
                case.number,
                employer,
                mediator.name if mediator else "未指派",
                spec.reason(ctx, case, reason_extra),
                case.employer_id,
            )
        )
    return WarningList(
        spec.kind,
        spec.title,
        spec.rule(ctx.limits),
        _count(ctx, spec),
        cases,
        page,
        page_size,
    )


def warning_list(
    session: Session,
    scope: Scope,
    kind: str,
    today: date,
    limits: Thresholds | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> WarningList:
    """One list, one page of it (KeyError for an unknown kind)."""
    spec = KINDS[kind]
    ctx = _context(session, scope, today, limits or Thresholds())
    return _list(ctx, spec, max(1, page), page_size)


def all_warnings(
    session: Session,
    scope: Scope,
    today: date,
    limits: Thresholds | None = None,
    page_size: int = PAGE_SIZE,
) -> list[WarningList]:
    """Every list with its count and its first `page_size` cases."""
    ctx = _context(session, scope, today, limits or Thresholds())
    return [_list(ctx, spec, 1, page_size) for spec in KINDS.values()]


def warning_counts(
    session: Session, scope: Scope, today: date, limits: Thresholds | None = None
) -> list[tuple[str, str, int]]:
    """(kind, title, count) of every list: the supervisors' home page."""
    ctx = _context(session, scope, today, limits or Thresholds())
    return [(spec.kind, spec.title, _count(ctx, spec)) for spec in KINDS.values()]
