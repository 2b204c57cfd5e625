"""What each role may do: the one table the whole application consults.

Scope (which centres' records a user sees) is applied separately by `mediation.scope`; a
permission here says what the user may do with records inside that scope.
"""

from enum import StrEnum

from models import Role


class Permission(StrEnum):
    CASE_READ = "case_read"
    CASE_CREATE = "case_create"
    CASE_WORK = "case_work"  # accept, assign, sessions, agreement, payments, closure
    CASE_RECORD_SESSION = "case_record_session"  # lawyers: only on cases assigned to them
    CASE_CORRECT = "case_correct"  # reopen and audited corrections
    STATS_VIEW = "stats_view"
    LEDGER_IMPORT = "ledger_import"
    ROSTER_MANAGE = "roster_manage"
    USERS_MANAGE = "users_manage"
    CENTRES_MANAGE = "centres_manage"
    PERSONAL_DATA = "personal_data"  # unmasked ID numbers and phones (lawyers: assigned cases)
    REPORT_SUBMIT_CENTRE = "report_submit_centre"  # file the centre's periodic report
    REPORT_SUBMIT_DISTRICT = "report_submit_district"  # file the district's
    REPORT_SUBMIT_CITY = "report_submit_city"  # file the city's
    WARNINGS_VIEW = "warnings_view"  # the early-warning lists (supervisors)
    CASELOAD_MOVE = "caseload_move"  # reassign many of a centre's open cases in one step
    LOGS_READ = "logs_read"  # the access log and security events (admins only)
    LETTER_ISSUE = "letter_issue"  # the union's supervision letters (district and city unions)
    REGISTRY_VIEW = "registry_view"  # the mediator registry of the centres in scope
    REGISTRY_MANAGE = "registry_manage"  # edit one's own centre's mediator registry
    CASE_UNARCHIVE = "case_unarchive"  # make an archived case writable again (mediation.retention)


_MEDIATOR = {
    Permission.CASE_READ,
    Permission.CASE_CREATE,
    Permission.CASE_WORK,
    Permission.CASE_RECORD_SESSION,
    Permission.STATS_VIEW,
    Permission.PERSONAL_DATA,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.MEDIATOR: frozenset(_MEDIATOR),
    Role.LAWYER: frozenset(
        {Permission.CASE_READ, Permission.CASE_RECORD_SESSION, Permission.PERSONAL_DATA}
    ),
    Role.CENTRE_SUPERVISOR: frozenset(
        _MEDIATOR
        | {
            Permission.CASE_CORRECT,
            Permission.LEDGER_IMPORT,
            Permission.ROSTER_MANAGE,
            Permission.REPORT_SUBMIT_CENTRE,
            Permission.WARNINGS_VIEW,
            Permission.CASELOAD_MOVE,
            Permission.REGISTRY_VIEW,
            Permission.REGISTRY_MANAGE,
            Permission.CASE_UNARCHIVE,
        }
    ),
    Role.DISTRICT_SUPERVISOR: frozenset(
        {
            Permission.CASE_READ,
            Permission.STATS_VIEW,
            Permission.REPORT_SUBMIT_DISTRICT,
            Permission.WARNINGS_VIEW,
            Permission.LETTER_ISSUE,
            Permission.REGISTRY_VIEW,
        }
    ),
    Role.CITY_SUPERVISOR: frozenset(
        {
            Permission.CASE_READ,
            Permission.STATS_VIEW,
            Permission.REPORT_SUBMIT_CITY,
            Permission.WARNINGS_VIEW,
            Permission.LETTER_ISSUE,
            Permission.REGISTRY_VIEW,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


def can(user, permission: Permission) -> bool:
    """True when the user's role grants the permission (anonymous users have none)."""
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False) or role is None:
        return False
    return permission in ROLE_PERMISSIONS[Role(role)]
