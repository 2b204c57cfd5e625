"""All tables, imported so that `SQLModel.metadata` knows every one of them."""

from models.base import LabelledEnum, utcnow
from models.reference import CalendarDay, Centre, DayKind, District
from models.user import Role, User

__all__ = [
    "CalendarDay",
    "Centre",
    "DayKind",
    "District",
    "LabelledEnum",
    "Role",
    "User",
    "utcnow",
]
