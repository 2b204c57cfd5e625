"""Who sees personal data (worker names, ID numbers, phones) unmasked (PIPL): the role must need
it. Mediators, centre supervisors and admins see it for the cases in their scope; lawyers only on
the cases assigned to them; district and city supervisors never (masked: 张*, 440602********1234,
138****5678). One policy on every surface (case page, case list and search results, API,
documents, legal cases, ledger export): each shows a worker's field through `shown`.

The rule is decided here once, for a mediation case or a legal case alike (both name their
lawyer in `lawyer_id`), and is also available per user for many rows at a time
(`personal_data_access`), so that an export need not look the lawyer up on every row."""

from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Session

from mediation.identifiers import mask_id_number, mask_name, mask_phone
from mediation.permissions import Permission, can
from mediation.reference.roster import lawyer_of
from models import Role, User


class HasLawyer(Protocol):
    """A mediation case or a legal case: whichever lawyer is assigned to it."""

    lawyer_id: int | None


def own_lawyer_id(session: Session, user: User) -> int | None:
    """The roster id of the lawyer this user is, if any."""
    lawyer = lawyer_of(session, user)
    return lawyer.id if lawyer is not None else None


def is_assigned_lawyer(session: Session, user: User, case: HasLawyer) -> bool:
    """Whether the user is the lawyer assigned to this case: the only cases on which a lawyer
    acts and sees personal data."""
    lawyer_id = own_lawyer_id(session, user)
    return lawyer_id is not None and case.lawyer_id == lawyer_id


@dataclass(frozen=True)
class PersonalDataAccess:
    """A user's access to personal data, decided once and then applied row by row: on every
    case (`everyone`), or only on the cases assigned to the lawyer `lawyer_id`, or on none."""

    everyone: bool
    lawyer_id: int | None = None

    def shows(self, case_lawyer_id: int | None) -> bool:
        """Whether personal data is shown on a case assigned to `case_lawyer_id`."""
        return self.everyone or (self.lawyer_id is not None and case_lawyer_id == self.lawyer_id)


# The command line is run by the server's operator, who holds the database anyway.
FULL_ACCESS = PersonalDataAccess(everyone=True)


def personal_data_access(session: Session, user: User) -> PersonalDataAccess:
    """The user's access to personal data: none without Permission.PERSONAL_DATA, a lawyer's
    own cases for a lawyer, every case (in scope) otherwise."""
    if not can(user, Permission.PERSONAL_DATA):
        return PersonalDataAccess(everyone=False)
    if user.role == Role.LAWYER:
        return PersonalDataAccess(everyone=False, lawyer_id=own_lawyer_id(session, user))
    return FULL_ACCESS


def shows_personal_data(session: Session, user: User, case: HasLawyer | None = None) -> bool:
    """Whether the user sees personal data on this case (a mediation case or a legal case).
    Without a case (e.g. a form not yet tied to one): whether the role sees it at all; never
    for a lawyer."""
    access = personal_data_access(session, user)
    return access.shows(case.lawyer_id if case is not None else None)


# The personal fields of a worker and the mask each is shown with (mediation/identifiers.py).
MASKS = {"name": mask_name, "id_number": mask_id_number, "phone": mask_phone}


def shown(value: str | None, field: str, visible: bool) -> str | None:
    """A worker's `field` ("name", "id_number" or "phone") as a user sees it: as stored when
    `visible` (shows_personal_data / PersonalDataAccess.shows), masked otherwise."""
    mask = MASKS[field]
    if visible or not value:
        return value
    return mask(value)
