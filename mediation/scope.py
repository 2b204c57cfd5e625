"""The one scoping helper every query of centre-owned data passes through.

Mediators and centre supervisors see their centre; lawyers the centres where they are stationed;
district supervisors their district's centres; city supervisors and admins every centre.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false
from sqlmodel import Session, select

from models import Centre, Lawyer, LawyerCentre, Role, User


@dataclass(frozen=True)
class Scope:
    centre_ids: frozenset[int] | None  # None: the whole city
    district_id: int | None = None

    @property
    def is_city(self) -> bool:
        return self.centre_ids is None

    def includes(self, centre_id: int | None) -> bool:
        return self.centre_ids is None or centre_id in self.centre_ids

    def condition(self, centre_column) -> ColumnElement[bool] | None:
        if self.centre_ids is None:
            return None
        if not self.centre_ids:
            return false()
        return centre_column.in_(sorted(self.centre_ids))

    def apply(self, statement: Select, centre_column) -> Select:
        """Restrict a SELECT to the rows whose `centre_column` lies in this scope."""
        condition = self.condition(centre_column)
        return statement if condition is None else statement.where(condition)


def lawyer_centre_ids(session: Session, user: User) -> set[int]:
    """Centres where a lawyer user is stationed on the roster, and the centre on their account."""
    stationed = session.exec(
        select(LawyerCentre.centre_id)
        .join(Lawyer, Lawyer.id == LawyerCentre.lawyer_id)
        .where(Lawyer.user_id == user.id)
    )
    return set(stationed) | ({user.centre_id} if user.centre_id else set())


def scope_of(session: Session, user: User) -> Scope:
    role = Role(user.role)
    if role in (Role.CITY_SUPERVISOR, Role.ADMIN):
        return Scope(centre_ids=None)
    if role is Role.DISTRICT_SUPERVISOR:
        ids = session.exec(select(Centre.id).where(Centre.district_id == user.district_id))
        return Scope(centre_ids=frozenset(ids), district_id=user.district_id)
    if role is Role.LAWYER:
        return Scope(centre_ids=frozenset(lawyer_centre_ids(session, user)))
    return Scope(centre_ids=frozenset({user.centre_id}))


def visible_centres(session: Session, scope: Scope) -> list[Centre]:
    return list(session.exec(scope.apply(select(Centre), Centre.id).order_by(Centre.id)))
