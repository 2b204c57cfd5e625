"""Demo data for a first look: one user for every role, and (with the case model) cases."""

from sqlmodel import Session

from mediation import accounts
from models import Role

DEMO_PASSWORD = "demo2026"

DEMO_USERS = [
    ("admin", Role.ADMIN, None, None, "系统管理员"),
    ("city", Role.CITY_SUPERVISOR, None, None, "市总工会 陈科长"),
    ("nanhai", Role.DISTRICT_SUPERVISOR, None, "NH", "南海区 李主任"),
    ("lishui", Role.CENTRE_SUPERVISOR, "NH-LS", None, "里水中心 黄主任"),
    ("mediator", Role.MEDIATOR, "NH-LS", None, "调解员 梁敏"),
    ("mediator.cc", Role.MEDIATOR, "CC-ZC", None, "调解员 何静"),
    ("lawyer", Role.LAWYER, "NH-LS", None, "特约律师 冯律师"),
]


def create_demo_users(session: Session) -> list[tuple[str, str]]:
    """Create the demo users that are missing; return (username, role label) of every one."""
    listed = []
    for username, role, centre, district, name in DEMO_USERS:
        if accounts.find_user(session, username) is None:
            accounts.create_user(
                session, username, DEMO_PASSWORD, role.value, centre, district, name
            )
        listed.append((username, role.label))
    return listed
