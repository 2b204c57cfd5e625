"""The one scoping helper every query of centre-owned data passes through.

Mediators and centre supervisors see their centre; lawyers the centres where they are stationed;
district supervisors their district's centres; city supervisors and admins every centre.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false
from sqlmodel import Session, select

from models import Centre, District, Lawyer, LawyerCentre, Role, User


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


class OutOfScope(Exception):
    """A district or centre the user may not see (the API answers 403)."""


class UnknownCode(Exception):
    """No district or centre has this code."""


@dataclass(frozen=True)
class Narrowed:
    centre_ids: list[int] | None  # None: the whole city
    district: District | None
    centre: Centre | None


def narrow(
    session: Session, scope: Scope, district_code: str | None, centre_code: str | None
) -> Narrowed:
    """The centres a statistics request covers: the user's scope, or a district or centre
    inside it. Without codes the user's own scope applies (their district or centre)."""
    centre = district = None
    if centre_code:
        centre = session.exec(select(Centre).where(Centre.code == centre_code)).first()
        if centre is None:
            raise UnknownCode(f"未知调解中心代码「{centre_code}」")
        if not scope.includes(centre.id):
            raise OutOfScope(centre_code)
        return Narrowed([centre.id], None, centre)
    if district_code:
        district = session.exec(select(District).where(District.code == district_code)).first()
        if district is None:
            raise UnknownCode(f"未知区代码「{district_code}」")
        ids = set(session.exec(select(Centre.id).where(Centre.district_id == district.id)))
        if scope.centre_ids is not None and not ids <= scope.centre_ids:
            raise OutOfScope(district_code)
        return Narrowed(sorted(ids), district, None)
    if scope.is_city:
        return Narrowed(None, None, None)
    if scope.district_id is not None:
        district = session.get(District, scope.district_id)
        return Narrowed(sorted(scope.centre_ids), district, None)
    if len(scope.centre_ids) == 1:
        centre = session.get(Centre, next(iter(scope.centre_ids)))
    return Narrowed(sorted(scope.centre_ids), None, centre)
