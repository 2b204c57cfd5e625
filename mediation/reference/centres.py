"""Administration of mediation centres. Centres are deactivated, never deleted."""

from sqlmodel import Session, select

from mediation.errors import RuleViolation
from models import Centre, District


def save_centre(
    session: Session,
    centre: Centre | None,
    *,
    code: str,
    name: str,
    short_name: str,
    district_code: str | None,
    address: str,
    phone: str,
    active: bool,
) -> Centre:
    """Create (centre=None) or update a centre, refusing duplicate codes, names and short names."""
    centre = centre or Centre(code=code, name=name, short_name=short_name)
    problems = []
    for field, column, value, label in (
        ("code", Centre.code, code, "代码"),
        ("name", Centre.name, name, "名称"),
        ("short_name", Centre.short_name, short_name, "简称"),
    ):
        other = session.exec(select(Centre).where(column == value)).first()
        if other is not None and other.id != centre.id:
            problems.append((field, f"{label}「{value}」已被「{other.name}」使用"))
    district_id = None
    if district_code:
        district = session.exec(select(District).where(District.code == district_code)).first()
        if district is None:
            problems.append(("district", f"未知区代码「{district_code}」"))
        else:
            district_id = district.id
    if problems:
        raise RuleViolation(problems)
    centre.code, centre.name, centre.short_name = code, name.strip(), short_name.strip()
    centre.district_id = district_id
    centre.address, centre.phone, centre.active = address.strip(), phone.strip(), active
    session.add(centre)
    session.flush()
    return centre
