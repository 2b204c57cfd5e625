"""The lawyer roster: validation and saving; employers' counsel for conflict checks."""

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, delete, select

from mediation import audit
from mediation.errors import RuleViolation
from mediation.identifiers import (
    InvalidIdentifier,
    normalize_credit_code,
    normalize_phone,
    normalize_practice_certificate,
)
from mediation.logs.security import record_security
from models import OPEN_STATUSES, Case, Centre, Lawyer, LawyerCentre, Role, SecurityKind, User


@dataclass
class LawyerData:
    name: str
    certificate_no: str
    firm_name: str
    firm_credit_code: str = ""
    phone: str = ""
    active: bool = True
    centre_ids: tuple[int, ...] = ()
    username: str = ""  # optional link to a user with role lawyer


def lawyer_of(session: Session, user: User) -> Lawyer | None:
    """The roster entry linked to this user account (a user with the role lawyer), if any."""
    return session.exec(select(Lawyer).where(Lawyer.user_id == user.id)).first()


def stationed_centre_ids(session: Session, lawyer: Lawyer) -> set[int]:
    return set(
        session.exec(select(LawyerCentre.centre_id).where(LawyerCentre.lawyer_id == lawyer.id))
    )


def save_lawyer(
    session: Session,
    lawyer: Lawyer | None,
    data: LawyerData,
    allowed_centre_ids: set[int] | None,
    actor: User | None = None,
) -> Lawyer:
    """Create or update a roster entry. `allowed_centre_ids` (None: all) limits which stationings
    the acting user may add or remove: a centre supervisor manages their own centre only. The
    change is a security event with before and after: the linked account reads the personal
    data of the lawyer's cases, and stationings decide where the lawyer is assigned."""
    problems = []
    if not data.name.strip():
        problems.append(("name", "请填写律师姓名"))
    try:
        data.certificate_no = normalize_practice_certificate(data.certificate_no)
    except InvalidIdentifier as error:
        problems.append(("certificate_no", str(error)))
    else:
        other = session.exec(
            select(Lawyer).where(Lawyer.certificate_no == data.certificate_no)
        ).first()
        if other is not None and (lawyer is None or other.id != lawyer.id):
            problems.append(("certificate_no", f"执业证号已登记（{other.name}）"))
    if not data.firm_name.strip():
        problems.append(("firm_name", "请填写所在律师事务所"))
    if data.firm_credit_code:
        try:
            data.firm_credit_code = normalize_credit_code(data.firm_credit_code)
        except InvalidIdentifier as error:
            problems.append(("firm_credit_code", f"统一社会信用代码{error}"))
    if data.phone:
        try:
            data.phone = normalize_phone(data.phone)
        except InvalidIdentifier as error:
            problems.append(("phone", str(error)))
    user = None
    if data.username:
        user = session.exec(select(User).where(User.username == data.username.strip())).first()
        if user is None or user.role != Role.LAWYER:
            problems.append(("username", "关联账户须为已存在的「特约律师」角色用户"))
        else:
            holder = session.exec(select(Lawyer).where(Lawyer.user_id == user.id)).first()
            if holder is not None and (lawyer is None or holder.id != lawyer.id):
                problems.append(("username", f"该账户已关联律师「{holder.name}」"))
    linked_now = lawyer.user_id if lawyer is not None else None
    if allowed_centre_ids is not None and (user.id if user else None) != linked_now:
        # The linked account reads the personal data of every case assigned to this lawyer, at
        # any centre: only an admin may give that (issue 15).
        problems.append(("username", "关联账户只能由管理员设置或更改"))
    current = stationed_centre_ids(session, lawyer) if lawyer and lawyer.id else set()
    wanted = set(data.centre_ids)
    if allowed_centre_ids is not None and (current ^ wanted) - allowed_centre_ids:
        problems.append(("centres", "只能调整本中心的派驻"))
    if not wanted:
        problems.append(("centres", "请至少选择一个派驻的调解中心"))
    if problems:
        raise RuleViolation(problems)
    before = _roster_snapshot(session, lawyer) if lawyer is not None else {}
    lawyer = lawyer or Lawyer(name="", certificate_no="", firm_name="")
    lawyer.name, lawyer.certificate_no = data.name.strip(), data.certificate_no
    lawyer.firm_name, lawyer.firm_credit_code = data.firm_name.strip(), data.firm_credit_code
    lawyer.phone, lawyer.active = data.phone, data.active
    lawyer.user_id = user.id if user else None
    session.add(lawyer)
    session.flush()
    session.exec(delete(LawyerCentre).where(LawyerCentre.lawyer_id == lawyer.id))
    for centre_id in sorted(wanted):
        session.add(LawyerCentre(lawyer_id=lawyer.id, centre_id=centre_id))
    session.flush()
    changes = audit.changes_between(before, _roster_snapshot(session, lawyer))
    if changes:
        target = f"特约律师「{lawyer.name}」（{lawyer.certificate_no}）"
        record_security(
            session,
            SecurityKind.ROSTER_EDIT,
            actor,
            target_user=user,
            target=target,
            changes=changes,
        )
    return lawyer


def _roster_snapshot(session: Session, lawyer: Lawyer) -> dict:
    """What the security log compares of a roster entry: its particulars, the username of the
    linked account and the codes of the centres it is stationed at."""
    linked = session.get(User, lawyer.user_id) if lawyer.user_id else None
    codes = session.exec(
        select(Centre.code)
        .join(LawyerCentre, LawyerCentre.centre_id == Centre.id)
        .where(LawyerCentre.lawyer_id == lawyer.id)
        .order_by(Centre.code)
    )
    return {
        **audit.snapshot(lawyer, ["name", "certificate_no", "firm_name", "phone", "active"]),
        "username": linked.username if linked else None,
        "centres": "、".join(codes),
    }


# --- The roster pages (views/roster.py) ------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    lawyer: Lawyer
    centres: list[Centre]  # where the lawyer is stationed
    open_cases: int


@dataclass(frozen=True)
class RosterPage:
    rows: list[RosterRow]
    total: int
    page: int
    pages: int


def lawyer_visible(session: Session, lawyer: Lawyer, centre_ids: set[int] | None) -> bool:
    """Admins (None) see every lawyer; a centre supervisor only lawyers stationed at their
    centre(s)."""
    return centre_ids is None or bool(stationed_centre_ids(session, lawyer) & centre_ids)


def list_lawyers(
    session: Session,
    centre_ids: set[int] | None,
    centre_id: int | None = None,
    text: str = "",
    page: int = 1,
    per_page: int = 50,
) -> RosterPage:
    """The roster, active lawyers first, with their stationings and open caseload.

    `centre_ids` limits the list to lawyers stationed there (None: all); `centre_id` and `text`
    (name, certificate number or firm) are the user's filters."""
    statement = select(Lawyer)
    for allowed in (centre_ids, {centre_id} if centre_id is not None else None):
        if allowed is not None:
            statement = statement.where(
                Lawyer.id.in_(
                    select(LawyerCentre.lawyer_id).where(LawyerCentre.centre_id.in_(allowed))
                )
            )
    text = text.strip()
    if text:
        pattern = f"%{text}%"
        statement = statement.where(
            or_(
                Lawyer.name.like(pattern),
                Lawyer.certificate_no.like(pattern),
                Lawyer.firm_name.like(pattern),
            )
        )
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    lawyers = session.exec(
        statement.order_by(Lawyer.active.desc(), Lawyer.name, Lawyer.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    ids = [lawyer.id for lawyer in lawyers]
    stationed: dict[int, list[Centre]] = {i: [] for i in ids}
    for lawyer_id, centre in session.exec(
        select(LawyerCentre.lawyer_id, Centre)
        .join(Centre, Centre.id == LawyerCentre.centre_id)
        .where(LawyerCentre.lawyer_id.in_(ids))
        .order_by(Centre.id)
    ):
        stationed[lawyer_id].append(centre)
    open_counts = dict(
        session.exec(
            select(Case.lawyer_id, func.count())
            .where(Case.lawyer_id.in_(ids), Case.status.in_([s.value for s in OPEN_STATUSES]))
            .group_by(Case.lawyer_id)
        ).all()
    )
    return RosterPage(
        rows=[RosterRow(lw, stationed[lw.id], open_counts.get(lw.id, 0)) for lw in lawyers],
        total=total,
        page=page,
        pages=pages,
    )


def open_caseload(session: Session, lawyer: Lawyer) -> int:
    return session.exec(
        select(func.count())
        .select_from(Case)
        .where(Case.lawyer_id == lawyer.id, Case.status.in_([s.value for s in OPEN_STATUSES]))
    ).one()


def linked_username(session: Session, lawyer: Lawyer) -> str:
    user = session.get(User, lawyer.user_id) if lawyer.user_id else None
    return user.username if user else ""
