"""The mediator registry (调解员名册) a centre publishes: who mediates there, their qualifications
and certificates, training hours in the year, specialties, and their caseload and results.

A mediator serves the centre of their account (mediators and the centre's supervisors, who
mediate too). The results are the statistics' own figures (mediation.statistics.figures, the
definitions in docs/statistics.md) for the cases assigned to each mediator, counted by the same
statistics date in the year, with SQL aggregates: handled, succeeded, failed, withdrawn, the
success rate with its denominator (cases handled), amounts agreed and paid. Open cases are those
open now, whenever received.

The centre's supervisors (and admins) edit it; district and city supervisors read the centres in
their scope.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from mediation import audit
from mediation.errors import RuleViolation, StaleEdit
from mediation.permissions import Permission, can
from mediation.statistics.figures import MEASURE_NAMES, Figures, Measures
from mediation.statistics.rollup import case_measures, counted_cases_condition, stat_date_column
from models import (
    OPEN_STATUSES,
    Case,
    Centre,
    MediatorProfile,
    MediatorQualification,
    MediatorTraining,
    Role,
    User,
    utcnow,
)
from models.base import sql_total

MEDIATING_ROLES = (Role.MEDIATOR.value, Role.CENTRE_SUPERVISOR.value)
MAX_HOURS = 2000
FIRST_YEAR = 2000


@dataclass
class Entry:
    """One mediator's line in the registry."""

    user: User
    specialties: str
    qualifications: list[MediatorQualification]
    training_hours: int
    open_cases: int
    figures: Figures = field(default_factory=Figures)


def mediators_of(session: Session, centre: Centre) -> list[User]:
    """Active accounts that mediate at the centre, by name."""
    return list(
        session.exec(
            select(User)
            .where(
                User.centre_id == centre.id,
                User.role.in_(MEDIATING_ROLES),
                User.active.is_(True),
            )
            .order_by(User.display_name, User.username)
        )
    )


def figures_by_mediator(
    session: Session, centre_ids: list[int] | None, start: date, end: date
) -> dict[int | None, Figures]:
    """{mediator_id: Figures} of the cases whose statistics date lies in [start, end]: the same
    cases and measures /api/stats counts, grouped by the assigned mediator (None: unassigned)."""
    dialect = session.get_bind().dialect.name
    measures = {c.name: c for c in case_measures(dialect)}
    stat_day = stat_date_column()
    facts = select(
        Case.mediator_id.label("mediator_id"),
        Case.status.label("status"),
        *[measures[m].label(m) for m in MEASURE_NAMES],
    ).where(counted_cases_condition(), stat_day >= start, stat_day <= end)
    if centre_ids is not None:
        facts = facts.where(Case.centre_id.in_(centre_ids))
    rows = facts.subquery()
    statement = select(
        rows.c.mediator_id,
        rows.c.status,
        *[sql_total(rows.c[m]) for m in MEASURE_NAMES],
    ).group_by(rows.c.mediator_id, rows.c.status)
    found: dict[int | None, Figures] = defaultdict(Figures)
    for mediator_id, status, *values in session.execute(statement):
        found[mediator_id].by_status[status].add(Measures(*[int(v or 0) for v in values]))
    return dict(found)


def open_by_mediator(session: Session, centre: Centre) -> dict[int, int]:
    statement = (
        select(Case.mediator_id, func.count())
        .where(
            Case.centre_id == centre.id,
            Case.status.in_([s.value for s in OPEN_STATUSES]),
            Case.mediator_id.is_not(None),
        )
        .group_by(Case.mediator_id)
    )
    return {mediator_id: int(n) for mediator_id, n in session.exec(statement)}


def registry(session: Session, centre: Centre, year: int) -> list[Entry]:
    """The centre's registry for a year: every mediator, with the year's training and results."""
    people = mediators_of(session, centre)
    ids = [user.id for user in people]
    profiles = {
        p.user_id: p
        for p in session.exec(select(MediatorProfile).where(MediatorProfile.user_id.in_(ids)))
    }
    qualifications: dict[int, list[MediatorQualification]] = defaultdict(list)
    for q in session.exec(
        select(MediatorQualification)
        .where(MediatorQualification.user_id.in_(ids))
        .order_by(MediatorQualification.issued_on, MediatorQualification.id)
    ):
        qualifications[q.user_id].append(q)
    hours = dict(
        session.exec(
            select(MediatorTraining.user_id, MediatorTraining.hours).where(
                MediatorTraining.user_id.in_(ids), MediatorTraining.year == year
            )
        ).all()
    )
    figures = figures_by_mediator(session, [centre.id], date(year, 1, 1), date(year, 12, 31))
    open_cases = open_by_mediator(session, centre)
    return [
        Entry(
            user=user,
            specialties=profiles[user.id].specialties if user.id in profiles else "",
            qualifications=qualifications.get(user.id, []),
            training_hours=hours.get(user.id, 0),
            open_cases=open_cases.get(user.id, 0),
            figures=figures.get(user.id, Figures()),
        )
        for user in people
    ]


# -- editing --------------------------------------------------------------------------------------


def may_edit(actor: User, centre_id: int | None) -> bool:
    """A centre's supervisors edit its registry; admins any."""
    if not can(actor, Permission.REGISTRY_MANAGE):
        return False
    return actor.role == Role.ADMIN or actor.centre_id == centre_id


def mediator_for_edit(session: Session, actor: User, user_id: int) -> User | None:
    """The mediator whose registry line the actor may edit, else None (callers answer 404)."""
    user = session.get(User, user_id)
    if user is None or user.role not in MEDIATING_ROLES or not may_edit(actor, user.centre_id):
        return None
    return user


def profile_of(session: Session, user: User) -> MediatorProfile | None:
    return session.get(MediatorProfile, user.id)


def _audit(session: Session, actor: User, user: User, summary: str, changes=None) -> None:
    audit.record_event(
        session, None, actor, "registry_edit", f"调解员名册「{user.name}」：{summary}", changes
    )


def save_specialties(
    session: Session, actor: User, user: User, specialties: str, seen_version: int | None
) -> None:
    """Save the specialties. `seen_version` is the profile's version when the form was opened
    (0: no profile yet), so that a save over someone else's is refused (optimistic locking)."""
    current = profile_of(session, user)
    if seen_version is not None and seen_version != (current.version if current else 0):
        raise StaleEdit()
    specialties = (specialties or "").strip()
    if len(specialties) > 200:
        raise RuleViolation([("specialties", "擅长领域不超过200字")])
    profile = current or MediatorProfile(user_id=user.id)
    before = profile.specialties
    profile.specialties, profile.updated_at = specialties, utcnow()
    session.add(profile)
    _audit(
        session,
        actor,
        user,
        f"擅长领域改为「{specialties}」",
        {"specialties": [before, specialties]},
    )
    session.flush()


def add_qualification(
    session: Session,
    actor: User,
    user: User,
    name: str,
    number: str,
    issuer: str,
    issued_on: date | None,
    today: date,
) -> MediatorQualification:
    problems: list[tuple[str | None, str]] = []
    name, number, issuer = (name or "").strip(), (number or "").strip(), (issuer or "").strip()
    if not name:
        problems.append(("name", "请填写证书名称"))
    elif len(name) > 100:
        problems.append(("name", "证书名称不超过100字"))
    if len(number) > 64:
        problems.append(("number", "证书编号不超过64字"))
    if not issuer:
        problems.append(("issuer", "请填写发证机关"))
    elif len(issuer) > 100:
        problems.append(("issuer", "发证机关不超过100字"))
    if issued_on is None:
        problems.append(("issued_on", "请填写发证日期"))
    elif issued_on > today:
        problems.append(("issued_on", "发证日期不能晚于今天"))
    elif issued_on.year < FIRST_YEAR:
        problems.append(("issued_on", f"发证日期不能早于{FIRST_YEAR}年"))
    if number and not problems:
        duplicate = session.exec(
            select(MediatorQualification.id).where(
                MediatorQualification.user_id == user.id,
                MediatorQualification.name == name,
                MediatorQualification.number == number,
            )
        ).first()
        if duplicate is not None:
            problems.append(("number", "该证书已登记"))
    if problems:
        raise RuleViolation(problems)
    qualification = MediatorQualification(
        user_id=user.id, name=name, number=number, issuer=issuer, issued_on=issued_on
    )
    session.add(qualification)
    _audit(session, actor, user, f"登记证书「{name}」{number}", {"qualification": [None, name]})
    session.flush()
    return qualification


def remove_qualification(session: Session, actor: User, user: User, qualification_id: int) -> bool:
    qualification = session.get(MediatorQualification, qualification_id)
    if qualification is None or qualification.user_id != user.id:
        return False
    session.delete(qualification)
    _audit(
        session,
        actor,
        user,
        f"删除证书「{qualification.name}」{qualification.number}",
        {"qualification": [qualification.name, None]},
    )
    session.flush()
    return True


def set_training_hours(
    session: Session, actor: User, user: User, year: int | None, hours: int | None, today: date
) -> None:
    """The training hours completed in a year (replacing what was recorded for it)."""
    problems: list[tuple[str | None, str]] = []
    if year is None or not FIRST_YEAR <= year <= today.year:
        problems.append(("year", f"年度应在{FIRST_YEAR}年至{today.year}年之间"))
    if hours is None or not 0 <= hours <= MAX_HOURS:
        problems.append(("hours", f"培训学时应在0至{MAX_HOURS}之间"))
    if problems:
        raise RuleViolation(problems)
    row = session.get(MediatorTraining, (user.id, year)) or MediatorTraining(
        user_id=user.id, year=year
    )
    before = row.hours if row.hours is not None else 0
    row.hours = hours
    session.add(row)
    _audit(session, actor, user, f"{year}年培训学时{hours}", {"training_hours": [before, hours]})
    session.flush()


def training_years(session: Session, user: User) -> list[MediatorTraining]:
    """Every year's recorded training hours, latest first."""
    return list(
        session.exec(
            select(MediatorTraining)
            .where(MediatorTraining.user_id == user.id)
            .order_by(MediatorTraining.year.desc())
        )
    )
