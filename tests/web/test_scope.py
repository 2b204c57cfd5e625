"""The role × scope matrix: what each role sees of centre-owned data.

Extended by every feature that adds centre-owned records (cases, statistics, exports)."""

import pytest

from mediation.permissions import ROLE_PERMISSIONS, Permission, can
from mediation.scope import scope_of
from models import Role

ALL_CENTRES = {"FS", "FS-COURT", "CC", "CC-ZC", "NH", "NH-LS", "SD", "SD-RG", "GM", "SS"}


@pytest.mark.parametrize(
    "role,centre,district,expected",
    [
        ("mediator", "NH-LS", None, {"NH-LS"}),
        ("lawyer", "NH-LS", None, {"NH-LS"}),
        ("centre_supervisor", "CC-ZC", None, {"CC-ZC"}),
        ("district_supervisor", None, "NH", {"NH", "NH-LS"}),
        ("district_supervisor", None, "SD", {"SD", "SD-RG"}),
        ("city_supervisor", None, None, ALL_CENTRES),
        ("admin", None, None, ALL_CENTRES),
    ],
)
def test_scope_of_each_role(db, make_user, centres, role, centre, district, expected):
    user = make_user(role, centre, district)
    scope = scope_of(db, user)
    visible = {code for code, c in centres.items() if scope.includes(c.id)}
    assert visible == expected


@pytest.mark.parametrize(
    "role,centre,district,shown",
    [
        ("mediator", "NH-LS", None, {"NH-LS"}),
        ("lawyer", "NH-LS", None, {"NH-LS"}),
        ("centre_supervisor", "CC-ZC", None, {"CC-ZC"}),
        ("district_supervisor", None, "NH", {"NH-LS", "NH"}),
        ("city_supervisor", None, None, {"NH-LS", "NH", "CC-ZC", "SD-RG"}),
        ("admin", None, None, {"NH-LS", "NH", "CC-ZC", "SD-RG"}),
    ],
)
def test_case_list_and_pages_only_in_scope(
    client, login_as, make_case, role, centre, district, shown
):
    made = {code: make_case(code) for code in ("NH-LS", "NH", "CC-ZC", "SD-RG")}
    login_as(role, centre, district)
    listing = client.get("/cases/").get_data(as_text=True)
    for code, case in made.items():
        visible = code in shown
        assert (case.number in listing) == visible, (code, visible)
        assert (f'href="/cases/{case.id}"' in listing) == visible, (code, visible)
        assert client.get(f"/cases/{case.id}").status_code == (200 if visible else 404)


def test_permission_table_matches_the_issue():
    assert can_role(Role.MEDIATOR, Permission.CASE_CREATE)
    assert not can_role(Role.LAWYER, Permission.CASE_CREATE)
    assert can_role(Role.LAWYER, Permission.CASE_RECORD_SESSION)
    assert not can_role(Role.LAWYER, Permission.STATS_VIEW)
    assert can_role(Role.CENTRE_SUPERVISOR, Permission.LEDGER_IMPORT)
    assert can_role(Role.CENTRE_SUPERVISOR, Permission.CASE_CORRECT)
    assert not can_role(Role.MEDIATOR, Permission.CASE_CORRECT)
    for reader in (Role.DISTRICT_SUPERVISOR, Role.CITY_SUPERVISOR):
        assert can_role(reader, Permission.CASE_READ)
        assert not can_role(reader, Permission.CASE_WORK)
        assert not can_role(reader, Permission.PERSONAL_DATA)  # masked
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)


def test_anonymous_has_no_permission():
    class Anonymous:
        is_authenticated = False

    assert not any(can(Anonymous(), p) for p in Permission)


def can_role(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
