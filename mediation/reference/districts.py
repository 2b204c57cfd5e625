"""Districts and centres of Foshan, loaded idempotently by `flask init-db`."""

from dataclasses import dataclass

from sqlmodel import Session, select

from models import Centre, District

CITY_LEVEL_CODE = "FS"  # how statistics group the city-level centres
CITY_LEVEL_NAME = "市级"

DISTRICTS = [
    ("CC", "禅城区"),
    ("NH", "南海区"),
    ("SD", "顺德区"),
    ("GM", "高明区"),
    ("SS", "三水区"),
]


@dataclass(frozen=True)
class CentreSeed:
    code: str
    name: str
    short_name: str
    district: str | None
    address: str
    phone: str


CENTRES = [
    CentreSeed(
        "FS",
        "佛山市劳动人事争议联合调解中心",
        "佛",
        None,
        "佛山市禅城区岭南大道北1号",
        "0757-83031234",
    ),
    CentreSeed(
        "FS-COURT",
        '佛山市"法院+工会"劳动争议诉调对接工作室',
        "佛诉",
        None,
        "佛山市禅城区华宝南路16号",
        "0757-83032345",
    ),
    CentreSeed(
        "CC",
        "禅城区劳动人事争议联合调解中心",
        "禅",
        "CC",
        "佛山市禅城区季华五路18号",
        "0757-82721234",
    ),
    CentreSeed(
        "CC-ZC",
        "禅城区张槎街道劳动争议联合调解中心",
        "禅张",
        "CC",
        "佛山市禅城区张槎一路88号",
        "0757-82201234",
    ),
    CentreSeed(
        "NH",
        "南海区劳动人事争议联合调解中心",
        "南",
        "NH",
        "佛山市南海区桂城南海大道北23号",
        "0757-86281234",
    ),
    CentreSeed(
        "NH-LS",
        "南海区里水镇劳动争议联合调解中心",
        "南里",
        "NH",
        "佛山市南海区里水镇里水大道中28号",
        "0757-85621234",
    ),
    CentreSeed(
        "SD",
        "顺德区劳动人事争议联合调解中心",
        "顺",
        "SD",
        "佛山市顺德区大良德和路5号",
        "0757-22831234",
    ),
    CentreSeed(
        "SD-RG",
        "顺德区容桂街道劳动争议联合调解中心",
        "顺容",
        "SD",
        "佛山市顺德区容桂街道文华路12号",
        "0757-28381234",
    ),
    CentreSeed(
        "GM",
        "高明区劳动人事争议联合调解中心",
        "高",
        "GM",
        "佛山市高明区荷城街道中山路63号",
        "0757-88281234",
    ),
    CentreSeed(
        "SS",
        "三水区劳动人事争议联合调解中心",
        "三",
        "SS",
        "佛山市三水区西南街道广海大道中36号",
        "0757-87781234",
    ),
]


def load_reference_data(session: Session) -> dict[str, int]:
    """Insert the districts and centres that are missing; never touch ones already there
    (admins may have edited names, addresses and phones). Returns how many rows were added."""
    added = {"districts": 0, "centres": 0}
    districts = {d.code: d for d in session.exec(select(District))}
    for code, name in DISTRICTS:
        if code not in districts:
            districts[code] = District(code=code, name=name)
            session.add(districts[code])
            added["districts"] += 1
    session.flush()

    existing = set(session.exec(select(Centre.code)))
    for seed in CENTRES:
        if seed.code in existing:
            continue
        district_id = districts[seed.district].id if seed.district else None
        session.add(
            Centre(
                code=seed.code,
                name=seed.name,
                short_name=seed.short_name,
                district_id=district_id,
                address=seed.address,
                phone=seed.phone,
            )
        )
        added["centres"] += 1
    session.flush()
    return added
