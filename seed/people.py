"""Who appears in the demo: the demo users and a mediator for every centre, the lawyer roster,
the employers on file (with the law firms acting for some), and the workers and claims of each
new case. Identifiers are made up but pass their checks (GB 32100 credit codes, GB 11643 ID
numbers); they belong to no one.
"""

import random
from datetime import date, timedelta

from sqlmodel import Session, select

from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData
from mediation.identifiers import credit_code_check_char, resident_id_check_char
from mediation.money import format_yuan
from mediation.reference import accounts
from mediation.reference.employers import add_counsel
from mediation.reference.roster import LawyerData, save_lawyer
from models import ApplicationForm, Centre, Channel, ClaimKind, Employer, Lawyer, Role, User
from seed.data import (
    CENTRE_DISTRICTS,
    COUNSEL,
    DEMO_PASSWORD,
    DEMO_USERS,
    DISTRICT_NAMES,
    EMPLOYERS,
    EXTRA_MEDIATORS,
    FEMALE_NAMES,
    INDUSTRIES,
    LAW_FIRMS,
    LAWYERS,
    LOCAL_REGIONS,
    MALE_NAMES,
    MIGRANT_REGIONS,
    REGIONS,
    SURNAMES,
    TITLED_DISPLAY_NAMES,
    C,
    Industry,
)


def create_demo_users(session: Session) -> list[tuple[str, str]]:
    """Create the demo users that are missing; return (username, role label) of every one."""
    listed = []
    for username, role, centre, district, name in DEMO_USERS:
        user = accounts.find_user(session, username)
        if user is None:
            accounts.create_user(
                session, username, DEMO_PASSWORD, role.value, centre, district, name
            )
        elif user.display_name == TITLED_DISPLAY_NAMES.get(username):
            user.display_name = name  # the name without the job title
            session.add(user)
        listed.append((username, role.label))
    return listed


def fake_credit_code(rng: random.Random, prefix: str, alphabet: str = "0123456789") -> str:
    """A credit code that passes GB 32100: prefix + random body + check character. Law firms'
    codes (31…) carry digits; companies registered since 2015 have MA + letters and digits."""
    body = prefix + "".join(rng.choice(alphabet) for _ in range(17 - len(prefix)))
    return body + credit_code_check_char(body)


def fake_id_number(rng: random.Random, region: str, female: bool, on: date) -> str:
    age_days = rng.randint(18 * 365 + 10, 58 * 365)
    birth = on - timedelta(days=age_days)
    serial = rng.randint(0, 99) * 10 + rng.choice((0, 2, 4, 6, 8) if female else (1, 3, 5, 7, 9))
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + resident_id_check_char(first17)


def fake_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"


def _yuan(rng: random.Random, low: int, high: int, step: int = 50) -> int:
    """A whole amount of yuan in [low, high], in fen."""
    return rng.randrange(low // step, high // step + 1) * step * 100


class People:
    """The registers the cases draw on, and each new application: made in order from one random
    generator, so that the same seed gives the same people."""

    def __init__(self, session: Session, today: date, seed: int):
        self.s = session
        self.today = today
        self.rng = random.Random(seed)
        self.centres = {c.code: c for c in session.exec(select(Centre))}
        self.count = 0

    # --- people and registers ----------------------------------------------------------------

    def users(self) -> None:
        create_demo_users(self.s)
        for username, code, name in EXTRA_MEDIATORS:
            if accounts.find_user(self.s, username) is None and code in self.centres:
                accounts.create_user(
                    self.s, username, DEMO_PASSWORD, Role.MEDIATOR.value, code, None, name
                )
        self.mediators: dict[str, list[User]] = {}
        for user in self.s.exec(select(User).where(User.centre_id.is_not(None), User.active)):
            if user.role in (Role.MEDIATOR, Role.CENTRE_SUPERVISOR):
                code = next(c for c, centre in self.centres.items() if centre.id == user.centre_id)
                self.mediators.setdefault(code, []).append(user)
        for users in self.mediators.values():
            users.sort(key=lambda u: (u.role != Role.MEDIATOR, u.username))
        self.mediator = accounts.find_user(self.s, "mediator")

    def roster(self) -> None:
        rng = self.rng
        firm_codes = [fake_credit_code(rng, "31440000") for _ in LAW_FIRMS]
        self.firms = list(zip(LAW_FIRMS, firm_codes, strict=True))
        demo_lawyer = accounts.find_user(self.s, "lawyer")
        linkable = (
            demo_lawyer is not None
            and demo_lawyer.role == Role.LAWYER
            and self.s.exec(select(Lawyer).where(Lawyer.user_id == demo_lawyer.id)).first() is None
        )
        for index, (name, firm, centres, female, active) in enumerate(LAWYERS):
            year = rng.randint(2006, 2019)
            certificate = f"14406{year}{0 if female else 1}{rng.randint(0, 9_999_999):07d}"
            save_lawyer(
                self.s,
                None,
                LawyerData(
                    name=name,
                    certificate_no=certificate,
                    firm_name=LAW_FIRMS[firm],
                    firm_credit_code=firm_codes[firm],
                    phone=fake_phone(rng),
                    active=active,
                    centre_ids=tuple(self.centres[c].id for c in centres if c in self.centres),
                    username="lawyer" if index == 0 and linkable else "",
                ),
                None,
            )

    def employers(self) -> None:
        rng = self.rng
        self.employer_data: dict[str, list[tuple[EmployerData, str]]] = {}
        for name, district, industry, kind, rep, address in EMPLOYERS:
            code = (
                fake_credit_code(
                    rng, f"{kind}{REGIONS[district]}MA", "0123456789ABCDEFGHJKLMNPQRTUWXY"
                )
                if kind
                else ""
            )
            phone = (
                f"0757-8{rng.randint(0, 9_999_999):07d}" if rng.random() < 0.7 else fake_phone(rng)
            )
            if address.startswith("佛山市"):
                full_address = address
            elif address[:3] in DISTRICT_NAMES.values():
                full_address = f"佛山市{address}"
            else:
                full_address = f"佛山市{DISTRICT_NAMES[district]}{address}"
            data = EmployerData(name, code, rep, full_address, phone)
            self.employer_data.setdefault(district, []).append((data, industry))
            # On file before any case, so that the recorded counsel applies from the start.
            self.s.add(
                Employer(
                    name=name,
                    credit_code=code or None,
                    legal_rep=rep,
                    address=full_address,
                    phone=phone,
                )
            )
        self.s.flush()
        # A few employers account for most disputes (the repeat respondents), many for few.
        self.weights = {}
        for district, pool in self.employer_data.items():
            ranks = list(range(1, len(pool) + 1))
            rng.shuffle(ranks)
            self.weights[district] = [1 / rank for rank in ranks]
        for employer_name, firm in COUNSEL:
            employer = self.s.exec(select(Employer).where(Employer.name == employer_name)).one()
            add_counsel(self.s, employer, *self.firms[firm])

    # --- one case --------------------------------------------------------------------------

    def workers(self, n: int, industry: Industry, received: date, migrant_share: float):
        rng = self.rng
        used: set[str] = set()
        workers = []
        for position in range(n):
            female = rng.random() < 0.35
            while True:
                name = rng.choice(SURNAMES) + rng.choice(FEMALE_NAMES if female else MALE_NAMES)
                if name not in used:
                    used.add(name)
                    break
            migrant = rng.random() < migrant_share
            region = rng.choice(MIGRANT_REGIONS if migrant else LOCAL_REGIONS)
            workers.append(
                WorkerData(
                    name=name,
                    id_number=fake_id_number(rng, region, female, received),
                    phone=fake_phone(rng) if rng.random() < 0.95 else "",
                    job=rng.choice(industry.jobs),
                    representative=n >= 10 and position < 2,
                )
            )
        return workers

    def claims(self, category: str, collective: bool) -> list[ClaimData]:
        rng = self.rng
        K = ClaimKind
        if category == C.WAGES:
            claims = [ClaimData(K.WAGES, _yuan(rng, 3000, 9000 if collective else 26000))]
            if rng.random() < 0.3:
                claims.append(ClaimData(K.OVERTIME, _yuan(rng, 800, 6000)))
            return claims
        if category == C.TERMINATION:
            return [
                ClaimData(K.COMPENSATION, _yuan(rng, 6000, 60000)),
                ClaimData(K.WAGES, _yuan(rng, 2000, 8000)),
            ]
        if category == C.WORK_INJURY:
            return [ClaimData(K.INJURY, _yuan(rng, 20000, 160000, 100))]
        if category == C.SOCIAL_INSURANCE:
            return [ClaimData(K.SOCIAL_INSURANCE, _yuan(rng, 3000, 24000))]
        if category == C.CONTRACT:
            return [ClaimData(K.DOUBLE_WAGES, _yuan(rng, 8000, 45000))]
        if category == C.CONDITIONS:
            return [
                ClaimData(K.OVERTIME, _yuan(rng, 2000, 15000)),
                ClaimData(K.ANNUAL_LEAVE, _yuan(rng, 600, 4000)),
            ]
        if category == C.DISMISSAL:
            return [ClaimData(K.DAMAGES, _yuan(rng, 10000, 80000))]
        if category == C.RELATIONSHIP:
            return [ClaimData(K.WAGES, _yuan(rng, 1500, 12000))]
        return [ClaimData(K.OTHER, _yuan(rng, 1000, 10000))]

    def _channel(self, centre: str) -> str:
        rng = self.rng
        if centre == "FS-COURT":
            return rng.choice([Channel.COURT_DELEGATED] * 3 + [Channel.COURT_ENTRUSTED])
        return rng.choice(
            [Channel.WALK_IN] * 8
            + [Channel.ARBITRATION] * 5
            + [Channel.PHONE] * 2
            + [Channel.ONLINE] * 2
            + [Channel.COURT_DELEGATED, Channel.REFERRED]
        )

    def application(
        self,
        centre: str,
        received: date,
        *,
        workers: int | None = None,
        employer: EmployerData | None = None,
        industry_key: str | None = None,
        category: str | None = None,
    ) -> IntakeData:
        """An application to `centre` received on `received`: an employer of the districts the
        centre hears (the repeat respondents more often), its workers and their claims."""
        rng = self.rng
        if employer is None:
            district = rng.choice(CENTRE_DISTRICTS[centre])
            pool = self.employer_data[district]
            # A few employers account for most disputes (the repeat respondents); many for one.
            employer, industry_key = rng.choices(pool, weights=self.weights[district])[0]
        industry = INDUSTRIES[industry_key]
        if workers is None:
            workers = rng.choice((1, 1, 1, 1, 1, 2, 2, 3, 4)) if rng.random() > 0.06 else 0
            workers = workers or rng.randint(10, 30)  # a collective dispute now and then
        collective = workers >= 10
        category = category or (C.WAGES if collective else rng.choice(industry.categories))
        claims_of = [self.claims(category, collective) for _ in range(workers)]
        people = self.workers(workers, industry, received, 0.75 if collective else 0.55)
        for person, claims in zip(people, claims_of, strict=True):
            person.claims = claims
        channel = self._channel(centre)
        oral = channel in (Channel.WALK_IN, Channel.PHONE) and rng.random() < 0.4
        total = sum(c.claimed_fen for claims in claims_of for c in claims)
        first = people[0].name + (f"等{workers}人" if workers > 1 else "")
        facts = (
            f"申请人{first}在被申请单位从事{people[0].job}工作，"
            f"因{category}发生争议，协商未果，申请调解。"
        )
        data = IntakeData(
            channel=channel,
            received_on=received,
            category=category,
            employer=EmployerData(**vars(employer)),
            workers=people,
            application_form=ApplicationForm.ORAL if oral else ApplicationForm.WRITTEN,
            oral_record=(
                f"{received:%Y年%m月%d日}，{people[0].name}到中心口头申请调解，称{facts}"
                if oral
                else ""
            ),
            facts=facts,
            requests=f"请求被申请单位支付{category}相关款项合计{format_yuan(total)}元。",
            new_employment=industry.new_employment,
            migrant_workers=sum(p.id_number[:2] != "44" for p in people) * 2 > workers,
        )
        return data
