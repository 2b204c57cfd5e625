"""Who sees personal data (ID numbers, phones) unmasked (PIPL): the role must need it."""

from sqlmodel import Session

from mediation.cases.lifecycle import lawyer_of
from mediation.permissions import Permission, can
from models import Case, Role, User


def shows_personal_data(session: Session, user: User, case: Case | None = None) -> bool:
    """Mediators, centre supervisors and admins see it for cases in their scope; lawyers only on
    cases assigned to them; district and city supervisors never (masked)."""
    if not can(user, Permission.PERSONAL_DATA):
        return False
    if user.role == Role.LAWYER:
        if case is None:
            return False
        lawyer = lawyer_of(session, user)
        return lawyer is not None and case.lawyer_id == lawyer.id
    return True
