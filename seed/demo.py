"""Demo data for a first look: one user for every role, a lawyer roster, employers, the holiday
calendar and a few hundred cases in every state, made through the domain operations with
explicit dates so that each case's history is consistent.

Names of people, firms and companies are invented (in the style of Foshan's industries); ID
numbers, phones, practice certificates and credit codes pass their checks but belong to no one.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from mediation.cases import agreements, assignment, lifecycle, payments
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.dates import TZ
from mediation.dates import now as local_now
from mediation.dates import today as local_today
from mediation.identifiers import credit_code_check_char, resident_id_check_char
from mediation.money import format_yuan
from mediation.reference import accounts
from mediation.reference.calendar import load_official_days
from mediation.reference.employers import add_counsel
from mediation.reference.roster import LawyerData, save_lawyer
from mediation.statistics.rollup import rebuilt_after
from models import (
    ApplicationForm,
    Case,
    CaseStatus,
    Category,
    Centre,
    Channel,
    ClaimKind,
    Employer,
    FailureReason,
    Lawyer,
    Role,
    User,
)

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


# --- Demo cases ------------------------------------------------------------------------------

SEED = 20210309  # the day of the article's case: the same data on every run
HISTORY_DAYS = 3 * 365
RECENT_DAYS, RECENT_SHARE = 25, 0.15  # so that every centre has open cases today
CASES_PER_CENTRE = {
    "FS": 24,
    "FS-COURT": 20,
    "CC": 24,
    "CC-ZC": 30,
    "NH": 28,
    "NH-LS": 62,  # plus the scripted cases below and the article's case
    "SD": 28,
    "SD-RG": 24,
    "GM": 18,
    "SS": 18,
}

# One mediator for every centre that the demo users leave without one (same password).
EXTRA_MEDIATORS = [
    ("mediator.fs", "FS", "调解员 邓志华"),
    ("mediator.court", "FS-COURT", "调解员 麦少芬"),
    ("mediator.chancheng", "CC", "调解员 罗国平"),
    ("mediator.nh", "NH", "调解员 潘婉仪"),
    ("mediator.sd", "SD", "调解员 卢建明"),
    ("mediator.rg", "SD-RG", "调解员 区美玲"),
    ("mediator.gm", "GM", "调解员 谭永康"),
    ("mediator.ss", "SS", "调解员 钟丽华"),
]

LAW_FIRMS = [
    "广东佛联律师事务所",
    "广东南粤劳维律师事务所",
    "广东里湖明德律师事务所",
    "广东佛山中衡信律师事务所",
    "广东岭南法汇律师事务所",
    "广东诉和律师事务所",
    "广东禅信立诚律师事务所",
    "广东祖庙正平律师事务所",
    "广东张槎同心律师事务所",
    "广东桂城天诚律师事务所",
    "广东顺德德衡律师事务所",
    "广东凤城公信律师事务所",
    "广东容桂智诚律师事务所",
    "广东高明致公律师事务所",
    "广东荷城明理律师事务所",
    "广东三水信和律师事务所",
    "广东西南汇德律师事务所",
]

# name, firm (index into LAW_FIRMS), stationed centres, female, active
LAWYERS = [
    ("冯志坚", 0, ("NH-LS", "NH"), False, True),  # linked to the demo user "lawyer"
    ("梁碧霞", 1, ("NH-LS",), True, True),
    ("区嘉伟", 2, ("NH-LS",), False, True),
    ("陈耀明", 3, ("FS", "FS-COURT"), False, True),
    ("何晓琳", 4, ("FS",), True, True),
    ("黄振邦", 3, ("FS-COURT",), False, True),
    ("苏婉婷", 5, ("FS-COURT",), True, True),
    ("罗伟强", 6, ("CC", "CC-ZC"), False, True),
    ("李慧敏", 7, ("CC",), True, True),
    ("周家俊", 6, ("CC-ZC",), False, True),
    ("谢美华", 8, ("CC-ZC",), True, True),
    ("潘国栋", 1, ("NH",), False, True),
    ("邓丽萍", 9, ("NH",), True, True),
    ("杨立新", 9, ("NH",), False, False),  # no longer stationed: kept on the roster, inactive
    ("卢志豪", 10, ("SD", "SD-RG"), False, True),
    ("吴淑仪", 11, ("SD",), True, True),
    ("麦俊辉", 10, ("SD-RG",), False, True),
    ("欧阳倩", 12, ("SD-RG",), True, True),
    ("谭锦荣", 13, ("GM",), False, True),
    ("叶少华", 14, ("GM",), True, True),
    ("钟国权", 15, ("SS",), False, True),
    ("莫秀玲", 16, ("SS",), True, True),
    ("林子健", 2, ("SS", "GM"), False, True),
]


@dataclass(frozen=True)
class Industry:
    jobs: tuple[str, ...]
    categories: tuple[str, ...]  # weighted by repetition
    new_employment: bool = False


C = Category
INDUSTRIES = {
    "printing": Industry(("印刷机长", "包装工", "啤机工", "糊盒工", "仓管员"), (C.WAGES,) * 5),
    "ceramics": Industry(
        ("窑炉工", "抛光工", "压机工", "质检员", "叉车司机"),
        (C.WAGES, C.WAGES, C.WORK_INJURY, C.TERMINATION, C.SOCIAL_INSURANCE),
    ),
    "furniture": Industry(
        ("木工", "油漆工", "打磨工", "沙发扪工", "安装工"),
        (C.WAGES, C.WAGES, C.WORK_INJURY, C.TERMINATION, C.DISMISSAL),
    ),
    "hardware": Industry(
        ("冲压工", "车床工", "焊工", "模具工", "普工"),
        (C.WAGES, C.WORK_INJURY, C.WORK_INJURY, C.TERMINATION, C.CONDITIONS),
    ),
    "textile": Industry(
        ("织布工", "挡车工", "染色工", "缝纫工", "跟单员"),
        (C.WAGES, C.WAGES, C.TERMINATION, C.CONTRACT, C.SOCIAL_INSURANCE),
    ),
    "logistics": Industry(
        ("货车司机", "装卸工", "分拣员", "仓管员"),
        (C.WAGES, C.RELATIONSHIP, C.WORK_INJURY, C.TERMINATION),
        new_employment=True,
    ),
    "delivery": Industry(
        ("外卖骑手", "配送员", "站点助理"),
        (C.RELATIONSHIP, C.WAGES, C.WORK_INJURY, C.WAGES),
        new_employment=True,
    ),
    "ride_hailing": Industry(
        ("网约车司机",), (C.RELATIONSHIP, C.WAGES, C.CONTRACT), new_employment=True
    ),
    "services": Industry(
        ("保安员", "保洁员", "厨师", "服务员", "家政服务员"),
        (C.WAGES, C.CONDITIONS, C.DISMISSAL, C.CONTRACT, C.SOCIAL_INSURANCE),
    ),
    "construction": Industry(
        ("钢筋工", "泥水工", "木工", "杂工"), (C.WAGES, C.WAGES, C.WAGES, C.WORK_INJURY)
    ),
    "electronics": Industry(
        ("插件工", "组装工", "质检员", "技术员"),
        (C.WAGES, C.TERMINATION, C.CONTRACT, C.CONDITIONS, C.DISMISSAL),
    ),
}

# District code of the credit code's registration authority (禅城 604, 南海 605, 顺德 606,
# 三水 607, 高明 608).
REGIONS = {"CC": "440604", "NH": "440605", "SD": "440606", "SS": "440607", "GM": "440608"}
DISTRICT_NAMES = {"CC": "禅城区", "NH": "南海区", "SD": "顺德区", "SS": "三水区", "GM": "高明区"}
ARTICLE_EMPLOYER = "佛山市南海区里水镇宏彩包装印刷有限公司"

# name, district, industry, credit code kind ("91" company, "92" sole trader, "" none),
# legal representative, address
EMPLOYERS = [
    (ARTICLE_EMPLOYER, "NH", "printing", "91", "何永强", "佛山市南海区里水镇和顺工业区8号"),
    (
        "佛山市南海区里水镇金利达五金制品有限公司",
        "NH",
        "hardware",
        "91",
        "陈金利",
        "里水镇草场工业区",
    ),
    ("佛山市南海区里水镇和顺塑料制品有限公司", "NH", "hardware", "91", "梁志和", "里水镇和顺大道"),
    ("佛山市南海区里水镇鸿达鞋业有限公司", "NH", "textile", "91", "吴鸿达", "里水镇沙涌工业区"),
    ("佛山市南海区里水镇顺丰源纸品包装厂", "NH", "printing", "", "", "里水镇洲村工业区"),
    ("佛山市南海区大沥锦华铝材有限公司", "NH", "hardware", "91", "黄锦华", "大沥镇凤池工业区"),
    (
        "佛山市南海区狮山镇永信汽车零部件有限公司",
        "NH",
        "hardware",
        "91",
        "刘永信",
        "狮山镇科技工业园",
    ),
    ("佛山市南海区西樵纺织面料有限公司", "NH", "textile", "91", "关志樵", "西樵镇纺织工业园"),
    ("佛山市南海区罗村电子科技有限公司", "NH", "electronics", "91", "罗振宇", "狮山镇罗村大道"),
    ("佛山市南海区桂城骑士达外卖配送服务部", "NH", "delivery", "92", "邓少伟", "桂城街道南海大道"),
    ("佛山市南海区顺捷货运代理有限公司", "NH", "logistics", "91", "冼顺捷", "里水镇物流园"),
    ("佛山市南海区丹灶五金制品厂", "NH", "hardware", "", "", "丹灶镇金沙工业区"),
    ("佛山市禅城区张槎华强针织有限公司", "CC", "textile", "91", "林华强", "张槎街道大富工业区"),
    ("佛山市禅城区张槎永盛纺织印染有限公司", "CC", "textile", "91", "陆永盛", "张槎街道古新路"),
    ("佛山市禅城区南庄新宏陶瓷有限公司", "CC", "ceramics", "91", "叶新宏", "南庄镇陶瓷工业园"),
    ("佛山市禅城区南庄金砖瓷业有限公司", "CC", "ceramics", "91", "霍金泉", "南庄镇紫洞路"),
    ("佛山市禅城区石湾艺陶工作室", "CC", "ceramics", "92", "区艺文", "石湾镇街道公仁路"),
    ("佛山市禅城区同济安保服务有限公司", "CC", "services", "91", "郭同济", "祖庙街道同济路"),
    ("佛山市禅城区快跑同城配送站", "CC", "delivery", "92", "李快", "祖庙街道汾江中路"),
    ("佛山市畅行网约车服务有限公司", "CC", "ride_hailing", "91", "张畅", "禅城区季华五路"),
    ("佛山市迅蜂众包配送服务有限公司", "CC", "delivery", "91", "蔡迅", "禅城区岭南大道北"),
    ("佛山市顺德区容桂恒美家具有限公司", "SD", "furniture", "91", "苏恒美", "容桂街道华口工业区"),
    ("佛山市顺德区龙江沙发制造有限公司", "SD", "furniture", "91", "冯龙江", "龙江镇家具城"),
    ("佛山市顺德区乐从宏图家具厂", "SD", "furniture", "", "", "乐从镇罗浮宫路"),
    ("佛山市顺德区容桂华艺印刷有限公司", "SD", "printing", "91", "梁华艺", "容桂街道容奇大道"),
    ("佛山市顺德区北滘美达电器配件有限公司", "SD", "electronics", "91", "何美达", "北滘镇工业大道"),
    ("佛山市顺德区伦教木工机械有限公司", "SD", "hardware", "91", "黎伦", "伦教街道新城路"),
    ("佛山市顺德区陈村花卉园艺有限公司", "SD", "services", "91", "陈花", "陈村镇花卉世界"),
    ("佛山市顺德区大良好味道餐饮店", "SD", "services", "92", "黄好", "大良街道清晖路"),
    ("佛山市高明区荷城富湾陶瓷有限公司", "GM", "ceramics", "91", "严富湾", "荷城街道富湾工业区"),
    ("佛山市高明区杨和纸品包装有限公司", "GM", "printing", "91", "杨和", "杨和镇工业园"),
    ("佛山市高明区明城建筑劳务有限公司", "GM", "construction", "91", "谭明城", "明城镇明阳路"),
    ("佛山市高明区更合不锈钢制品有限公司", "GM", "hardware", "91", "潘更合", "更合镇工业区"),
    ("佛山市高明区荷城清洁服务有限公司", "GM", "services", "", "", "荷城街道文昌路"),
    ("佛山市三水区西南顺通物流有限公司", "SS", "logistics", "91", "卢顺通", "西南街道广海大道"),
    ("佛山市三水区乐平鸿运食品有限公司", "SS", "services", "91", "钟鸿运", "乐平镇工业园"),
    ("佛山市三水区白坭建材有限公司", "SS", "construction", "91", "邓白坭", "白坭镇银洲工业区"),
    ("佛山市三水区大塘精密模具有限公司", "SS", "hardware", "91", "莫大塘", "大塘工业园"),
    ("佛山市三水区芦苞家政服务有限公司", "SS", "services", "92", "温芦苞", "芦苞镇胥江路"),
    ("广东优选快运有限公司佛山分公司", "CC", "logistics", "91", "周优选", "禅城区张槎一路"),
]

# Which employers' districts each centre hears (the city-level centres hear all of them).
CENTRE_DISTRICTS = {
    "FS": ("CC", "NH", "SD", "GM", "SS"),
    "FS-COURT": ("CC", "NH", "SD", "GM", "SS"),
    "CC": ("CC",),
    "CC-ZC": ("CC",),
    "NH": ("NH",),
    "NH-LS": ("NH",),
    "SD": ("SD",),
    "SD-RG": ("SD",),
    "GM": ("GM",),
    "SS": ("SS",),
}
COUNSEL = [  # law firms recorded as acting for employers: their lawyers must recuse
    ("佛山市南海区里水镇金利达五金制品有限公司", 2),
    ("佛山市顺德区龙江沙发制造有限公司", 11),
    ("佛山市禅城区南庄新宏陶瓷有限公司", 7),
]

SURNAMES = "陈李黄张梁刘林何罗吴杨周郭谢邓冯麦叶潘卢覃韦蒙莫唐王赵钟谭苏曾彭胡邱"
MALE_NAMES = [
    "志强",
    "国华",
    "小兵",
    "德明",
    "振华",
    "建新",
    "家豪",
    "伟明",
    "文杰",
    "永康",
    "俊杰",
    "建华",
    "小龙",
    "海波",
    "明辉",
    "志伟",
    "晓东",
    "卫东",
    "国强",
    "子豪",
    "浩然",
    "宇航",
    "金水",
    "大勇",
    "水生",
    "荣华",
    "春生",
    "耀华",
    "锦文",
    "远航",
    "勇",
    "军",
    "斌",
    "涛",
    "鹏",
]
FEMALE_NAMES = [
    "桂芳",
    "秀兰",
    "海燕",
    "丽娟",
    "少芬",
    "美玲",
    "春梅",
    "红梅",
    "金凤",
    "玉兰",
    "冬梅",
    "丽华",
    "秋菊",
    "小燕",
    "思敏",
    "嘉欣",
    "翠萍",
    "凤英",
    "月娥",
    "雪梅",
    "燕",
    "霞",
    "娟",
    "芳",
    "敏",
]
# Birthplaces: Foshan and the provinces most of its migrant workers come from.
LOCAL_REGIONS = ("440604", "440605", "440606", "440607", "440608", "441881", "445281")
MIGRANT_REGIONS = (
    "450881",  # 广西桂平
    "450923",  # 广西博白
    "430523",  # 湖南邵阳县
    "431121",  # 湖南祁阳
    "511321",  # 四川南部
    "510623",  # 四川中江
    "522422",  # 贵州大方
    "362101",  # 江西赣州
    "421127",  # 湖北黄梅
    "411526",  # 河南潢川
)

REFUSAL_REASONS = [
    "不存在劳动关系（双方系承揽关系）",
    "已向仲裁委员会申请仲裁",
    "被申请单位拒绝调解",
    "不属于劳动争议调解范围",
]
WITHDRAW_NOTES = [
    "双方自行和解，用人单位已支付款项，申请人撤回调解申请",
    "申请人决定直接申请劳动仲裁，撤回调解申请",
    "申请人返乡，撤回调解申请",
]
FAILURE_NOTES = {
    FailureReason.EMPLOYER_REFUSES: "被申请单位负责人明确表示不同意调解",
    FailureReason.NO_AGREEMENT: "双方对经济补偿金额分歧较大，期限内未能达成协议",
    FailureReason.UNREACHABLE: "多次电话联系被申请单位未果，经营场所已关闭",
    FailureReason.WENT_BACK: "被申请单位在约定签署协议当日反悔",
    FailureReason.OTHER: "申请人要求先行进行工伤认定",
}
PAYMENT_METHODS = ("银行转账", "银行转账", "现金", "微信转账")
CENTRE_ROOMS = "调解室"


def _credit_code(rng: random.Random, prefix: str, alphabet: str = "0123456789") -> str:
    """A credit code that passes GB 32100: prefix + random body + check character. Law firms'
    codes (31…) carry digits; companies registered since 2015 have MA + letters and digits."""
    body = prefix + "".join(rng.choice(alphabet) for _ in range(17 - len(prefix)))
    return body + credit_code_check_char(body)


def _id_number(rng: random.Random, region: str, female: bool, on: date) -> str:
    age_days = rng.randint(18 * 365 + 10, 58 * 365)
    birth = on - timedelta(days=age_days)
    serial = rng.randint(0, 99) * 10 + rng.choice((0, 2, 4, 6, 8) if female else (1, 3, 5, 7, 9))
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + resident_id_check_char(first17)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"


def _yuan(rng: random.Random, low: int, high: int, step: int = 50) -> int:
    """A whole amount of yuan in [low, high], in fen."""
    return rng.randrange(low // step, high // step + 1) * step * 100


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


class _DemoBuilder:
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
        firm_codes = [_credit_code(rng, "31440000") for _ in LAW_FIRMS]
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
                    phone=_phone(rng),
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
                _credit_code(rng, f"{kind}{REGIONS[district]}MA", "0123456789ABCDEFGHJKLMNPQRTUWXY")
                if kind
                else ""
            )
            phone = f"0757-8{rng.randint(0, 9_999_999):07d}" if rng.random() < 0.7 else _phone(rng)
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

    def _workers(self, n: int, industry: Industry, received: date, migrant_share: float):
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
                    id_number=_id_number(rng, region, female, received),
                    phone=_phone(rng) if rng.random() < 0.95 else "",
                    job=rng.choice(industry.jobs),
                    representative=n >= 10 and position < 2,
                )
            )
        return workers

    def _claims(self, category: str, collective: bool) -> list[ClaimData]:
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

    def new_case(
        self,
        centre: str,
        received: date,
        *,
        workers: int | None = None,
        employer: EmployerData | None = None,
        industry_key: str | None = None,
        category: str | None = None,
    ) -> Case:
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
        claims_of = [self._claims(category, collective) for _ in range(workers)]
        people = self._workers(workers, industry, received, 0.75 if collective else 0.55)
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
        actor = self._mediator(centre)
        case = intake(self.s, actor, self.centres[centre], data, today=received)
        self.count += 1
        return case

    def _mediator(self, centre: str) -> User:
        users = self.mediators[centre]
        if centre == "NH-LS" and self.mediator is not None and self.rng.random() < 0.8:
            return self.mediator
        return self.rng.choice(users)

    def _lawyer_for(self, case: Case) -> int | None:
        free = [s for s in assignment.suggest_lawyers(self.s, case) if not s.conflict]
        return free[0].lawyer.id if free else None

    # --- the steps of a case's life -----------------------------------------------------------

    def accept(self, case: Case, on: date, *, lawyer: bool = True, mediator: User | None = None):
        actor = mediator or self._mediator(self.centre_code(case))
        lifecycle.accept(self.s, case, actor, on, today=on)
        assignment.assign(self.s, case, actor, actor.id, self._lawyer_for(case) if lawyer else None)
        return actor

    def centre_code(self, case: Case) -> str:
        return next(code for code, c in self.centres.items() if c.id == case.centre_id)

    def hold_session(self, case: Case, actor: User, on: date, minutes: int | None = None):
        rng = self.rng
        centre = self.centres[self.centre_code(case)]
        duration = minutes or rng.choice((45, 60, 60, 90, 90, 120, 150))
        starts = _at(on, rng.choice((9, 10, 14, 15)), rng.choice((0, 30)))
        now = local_now()
        if starts > now:  # a session held today: it cannot have started later than now
            starts = max(now - timedelta(minutes=duration), _at(now.date(), 0))
        lifecycle.record_session(
            self.s,
            case,
            actor,
            starts,
            duration,
            f"{centre.name}{CENTRE_ROOMS}",
            f"申请人及委托代理人、被申请单位人事负责人、调解员{actor.name.split()[-1]}",
            "调解员告知双方权利义务，双方陈述争议事实并就请求事项逐项协商。",
        )

    def schedule_session(self, case: Case, actor: User, on: date, hour: int, minute: int = 0):
        centre = self.centres[self.centre_code(case)]
        lifecycle.record_session(
            self.s,
            case,
            actor,
            _at(on, hour, minute),
            None,
            f"{centre.name}{CENTRE_ROOMS}",
            "申请人、被申请单位代表",
            "",
        )

    def agree(
        self,
        case: Case,
        actor: User,
        on: date,
        share: float,
        schedule: list[int],  # days after `on` of each instalment
    ) -> list[tuple[date, int]]:
        rng = self.rng
        lines = {}
        for _worker, line, _ in agreements.claim_lines(self.s, case):
            agreed = int(line.claimed_fen * share) // 100 * 100
            lines[line.id] = agreed if agreed > 0 else line.claimed_fen
        total = sum(lines.values())
        parts = len(schedule) if total // len(schedule) >= 100_00 else 1
        schedule = schedule[:parts]
        amounts = [total // parts // 100 * 100] * (parts - 1)
        amounts.append(total - sum(amounts))
        instalments = [(on + timedelta(days=d), a) for d, a in zip(schedule, amounts, strict=True)]
        agreements.save_agreement(
            self.s,
            case,
            actor,
            terms=agreements.default_terms(self.s, case),
            payment_method=rng.choice(PAYMENT_METHODS),
            copies=3,
            lines=lines,
            instalments=instalments,
            parties_signed_on=on,
            mediator_signed_on=on,
            centre_sealed_on=on,
            today=on,
        )
        return instalments

    def pay(self, case: Case, actor: User, amount: int, on: date) -> None:
        """Record `amount` paid on `on`, worker by worker in their order on the case."""
        method = self.rng.choice(PAYMENT_METHODS)
        rows = payments.worker_amounts(self.s, case)
        if amount >= sum(row.outstanding_fen for row in rows):
            payments.pay_outstanding(self.s, case, actor, paid_on=on, method=method, today=on)
            return
        for row in rows:
            if amount <= 0:
                break
            part = min(row.outstanding_fen, amount)
            if part:
                payments.record_payment(
                    self.s,
                    case,
                    actor,
                    worker_id=row.worker.id,
                    amount_fen=part,
                    paid_on=on,
                    method=method,
                    today=on,
                )
                amount -= part

    # --- whole stories ---------------------------------------------------------------------

    def story(self, centre: str, received: date) -> None:
        """A case received on `received` and taken as far as its age allows."""
        rng = self.rng
        age = (self.today - received).days
        case = self.new_case(centre, received)
        if age <= 3:
            outcome = rng.choice(("received", "received", "accepted", "refused", "mediating"))
        elif age <= 20:
            outcome = rng.choice(
                ("mediating",) * 5 + ("succeeded",) * 3 + ("failed", "withdrawn", "accepted")
            )
        else:
            outcome = rng.choices(
                ("succeeded", "failed", "withdrawn", "refused", "voided", "mediating"),
                weights=(45, 26, 10, 8, 2, 1 if age > 45 else 15),
            )[0]
        self.play(case, outcome)

    def _day(self, start: date, low: int, high: int) -> date:
        return min(start + timedelta(days=self.rng.randint(low, high)), self.today)

    def play(self, case: Case, outcome: str) -> None:
        rng = self.rng
        received = case.received_on
        if outcome == "received":
            return
        if outcome == "refused":
            on = self._day(received, 1, 3)
            reason = rng.choice(REFUSAL_REASONS)
            actor = self._mediator(self.centre_code(case))
            lifecycle.refuse(self.s, case, actor, on, reason, today=on)
            return
        if outcome == "voided":
            on = self._day(received, 0, 2)
            actor = self._mediator(self.centre_code(case))
            lifecycle.void(self.s, case, actor, "重复登记（同一申请已另行登记）", today=on)
            return
        accepted = self._day(received, 0, 2)
        actor = self.accept(case, accepted, lawyer=outcome != "accepted" and rng.random() < 0.88)
        if outcome == "accepted":
            return
        closing = self._day(accepted, 2, 14)
        if outcome == "succeeded" and rng.random() < 0.12 and accepted + timedelta(26) < self.today:
            consent = accepted + timedelta(days=rng.randint(10, 14))
            lifecycle.extend(self.s, case, actor, consent, 15, today=consent)
            closing = self._day(accepted, 17, 28)
        if outcome == "mediating":  # sessions held so far (today's are on the mediator's list)
            held = {self._day(accepted, 1, 10) for _ in range(rng.randint(0, 2))}
            for day in sorted(d for d in held if d < self.today):
                self.hold_session(case, actor, day)
            return
        if outcome == "withdrawn":
            if rng.random() < 0.5:
                self.hold_session(case, actor, self._day(accepted, 1, 5))
            on = max(closing, accepted)
            lifecycle.withdraw(self.s, case, actor, on, rng.choice(WITHDRAW_NOTES), today=on)
            return
        sessions = rng.randint(1, 3)
        for i in range(sessions - 1):
            self.hold_session(case, actor, accepted + (closing - accepted) * (i + 1) // sessions)
        if outcome == "failed":
            if rng.random() < 0.7:
                self.hold_session(case, actor, closing)
            reason = rng.choices(list(FailureReason), weights=(35, 30, 15, 12, 8))[0]
            applied = closing + timedelta(days=rng.randint(2, 25))
            applied = applied if rng.random() < 0.6 and applied <= self.today else None
            lifecycle.fail(
                self.s,
                case,
                actor,
                closing,
                reason.value,
                FAILURE_NOTES[reason],
                arbitration_applied_on=applied,
                today=applied or closing,
            )
            return
        # succeeded
        self.hold_session(case, actor, closing)
        self.settle(case, actor, closing)

    def settle(self, case: Case, actor: User, on: date, state: str | None = None) -> None:
        """Agreement on `on`, then payments: performed, pending (instalments still to come)
        or in default (an instalment past due and unpaid)."""
        rng = self.rng
        age = (self.today - on).days
        if state is None:
            state = rng.choices(("performed", "pending", "in_default"), weights=(82, 8, 10))[0]
        if state == "in_default" and age < 2:
            state = "pending"
        if state == "pending":
            step = max((age + 60) // 3, 20)
            schedule = [0, step, 2 * step, 3 * step]
        elif state == "in_default":
            first = rng.randint(0, min(age - 1, 20))
            schedule = [first, first + 30, first + 60]
        elif case.claimed_fen > 60_000_00 or rng.random() < 0.3:
            schedule = [0, 30, 60]
        else:
            schedule = [rng.choice((0, 0, 3, 7))]
        instalments = self.agree(case, actor, on, rng.uniform(0.55, 1.0), schedule)
        fallen_due = [(due, amount) for due, amount in instalments if due < self.today]
        if state == "performed" and case.worker_count > 1:  # paid in full on the last date
            self.pay(case, actor, case.agreed_fen, min(instalments[-1][0], self.today))
        elif state == "performed":
            for due, amount in instalments:
                self.pay(case, actor, amount, min(due, self.today))
        elif state == "pending":
            for due, amount in fallen_due:
                self.pay(case, actor, amount, due)
        else:  # in default: the last instalment that fell due was not paid
            for due, amount in fallen_due[:-1]:
                self.pay(case, actor, amount, due)

    # --- the article's case and the demo mediator's day ------------------------------------

    def article_case(self) -> Case:
        """2021-03-09, Lishui: 10 workers (阿永 and nine others) and a packaging-printing
        company settle in a little over two hours; 227,675 yuan of wages paid."""
        on = date(2021, 3, 9)
        names = ["阿永", "黄志强", "李国华", "陈小兵", "吴桂芳", "刘德明", "罗振华", "张秀兰",
                 "杨建新", "覃海燕"]  # fmt: skip
        wages = [26850_00, 24310_50, 23980_00, 22765_00, 22400_00, 21960_00, 21535_50,
                 21274_00, 21100_00]  # fmt: skip
        wages.append(227_675_00 - sum(wages))
        women = {"吴桂芳", "张秀兰", "覃海燕"}
        industry = INDUSTRIES["printing"]
        jobs = ["印刷机长", "印刷机长", "啤机工", "糊盒工", "包装工", "包装工", "啤机工",
                "包装工", "仓管员", "糊盒工"]  # fmt: skip
        rng = self.rng
        workers = [
            WorkerData(
                name=name,
                id_number=_id_number(rng, rng.choice(MIGRANT_REGIONS), name in women, on),
                phone=_phone(rng),
                job=job,
                representative=index == 0,
                claims=[ClaimData(ClaimKind.WAGES, fen)],
            )
            for index, (name, fen, job) in enumerate(zip(names, wages, jobs, strict=True))
        ]
        employer = next(e for e, _ in self.employer_data["NH"] if e.name == ARTICLE_EMPLOYER)
        data = IntakeData(
            channel=Channel.WALK_IN,
            received_on=on,
            category=C.WAGES,
            employer=EmployerData(**vars(employer)),
            workers=workers,
            facts=(
                "阿永等10名职工在被申请单位从事印刷包装工作，被申请单位拖欠2020年10月至2021年2月"
                "工资，职工多次追讨未果，到里水镇劳动争议联合调解中心申请调解。"
            ),
            requests="请求被申请单位一次性支付拖欠的工资合计227,675.00元。",
            migrant_workers=True,
            new_employment=industry.new_employment,
        )
        actor = self.mediator or self._mediator("NH-LS")
        case = intake(self.s, actor, self.centres["NH-LS"], data, today=on)
        self.count += 1
        lawyer = self.s.exec(select(Lawyer).where(Lawyer.name == LAWYERS[0][0])).one()
        assignment.assign(self.s, case, actor, actor.id, lawyer.id)
        lifecycle.accept(self.s, case, actor, on, today=on)
        lifecycle.record_session(
            self.s,
            case,
            actor,
            _at(on, 9, 30),
            130,
            "南海区里水镇劳动争议联合调解中心调解室",
            "申请人阿永等10人，被申请单位法定代表人及财务人员，特约律师冯志坚，调解员梁敏",
            "调解员与特约律师分别听取双方意见，核对工资表和考勤记录，逐人确认拖欠金额；"
            "被申请单位同意当日一次性支付全部拖欠工资。",
        )
        agreements.save_agreement(
            self.s,
            case,
            actor,
            terms=agreements.default_terms(self.s, case),
            payment_method="银行转账",
            copies=3,
            lines={
                line.id: line.claimed_fen for _, line, _ in agreements.claim_lines(self.s, case)
            },
            instalments=[(on, 227_675_00)],
            parties_signed_on=on,
            mediator_signed_on=on,
            centre_sealed_on=on,
            today=on,
        )
        payments.pay_outstanding(
            self.s, case, actor, paid_on=on, method="银行转账", note="当场转账", today=on
        )
        return case

    def mediators_day(self) -> None:
        """Work on the demo mediator's desk today at Lishui: applications awaiting a decision,
        deadlines close or past, sessions today and instalments overdue."""
        t = self.today
        me = self.mediator or self._mediator("NH-LS")

        def ago(days: int) -> date:
            return t - timedelta(days=days)

        for days in (0, 1, 6):  # the last one is past the 3-working-day acceptance deadline
            self.new_case("NH-LS", ago(days))
        accepted_only = self.new_case("NH-LS", ago(2))
        self.accept(accepted_only, ago(1), lawyer=False, mediator=me)

        mediating = []
        for accepted_days in (5, 13, 15, 18, 24):
            case = self.new_case("NH-LS", ago(accepted_days + 1))
            self.accept(case, ago(accepted_days), mediator=me)
            self.hold_session(case, me, ago(accepted_days - 2))
            mediating.append(case)
        lifecycle.extend(self.s, mediating[-1], me, ago(12), 10, today=ago(12))  # due in 1 day
        for case, (hour, minute) in zip(mediating[:3], ((9, 30), (14, 30), (16, 0)), strict=True):
            self.schedule_session(case, me, t, hour, minute)
        self.schedule_session(mediating[3], me, t + timedelta(days=2), 10)
        collective = self.new_case("NH-LS", ago(3), workers=12, category=C.WAGES)
        self.accept(collective, ago(2), mediator=me)
        self.schedule_session(collective, me, t + timedelta(days=1), 9, 30)

        for received_days, state in ((45, "in_default"), (28, "in_default"), (9, "pending")):
            case = self.new_case("NH-LS", ago(received_days))
            self.accept(case, ago(received_days - 1), mediator=me)
            self.hold_session(case, me, ago(received_days - 4))
            self.settle(case, me, ago(received_days - 4), state=state)

        # Recently closed, one of each way (so that every status shows whatever the date).
        refused = self.new_case("NH-LS", ago(10))
        lifecycle.refuse(self.s, refused, me, ago(9), REFUSAL_REASONS[0], today=ago(9))
        voided = self.new_case("NH-LS", ago(4))
        lifecycle.void(self.s, voided, me, "重复登记（同一申请已另行登记）", today=ago(4))
        withdrawn = self.new_case("NH-LS", ago(20))
        self.accept(withdrawn, ago(19), mediator=me)
        lifecycle.withdraw(self.s, withdrawn, me, ago(12), WITHDRAW_NOTES[0], today=ago(12))
        failed = self.new_case("NH-LS", ago(30))
        self.accept(failed, ago(29), mediator=me)
        self.hold_session(failed, me, ago(25))
        reason = FailureReason.NO_AGREEMENT
        lifecycle.fail(
            self.s,
            failed,
            me,
            ago(14),
            reason.value,
            FAILURE_NOTES[reason],
            arbitration_applied_on=ago(8),
            today=ago(8),
        )


def _days_back(rng: random.Random, n: int) -> list[int]:
    """How many days before today each of n cases was received, oldest first."""
    spans = (RECENT_DAYS if rng.random() < RECENT_SHARE else HISTORY_DAYS for _ in range(n))
    return sorted((rng.randint(0, span) for span in spans), reverse=True)


def create_demo_cases(session: Session, today: date | None = None, seed: int = SEED) -> int:
    """Create the demo roster, employers, holiday calendar and cases; return how many cases.
    Does nothing (returns 0) when any case exists, so running it twice adds nothing."""
    if session.exec(select(Case.id).limit(1)).first() is not None:
        return 0
    today = today or local_today()
    load_official_days(session)
    builder = _DemoBuilder(session, today, seed)
    builder.users()
    builder.roster()
    builder.employers()
    # A few hundred cases written alone: the statistics rollup is recounted once at the end
    # instead of being adjusted on each of the thousands of flushes.
    with rebuilt_after(session):
        rng = builder.rng
        for code, n in CASES_PER_CENTRE.items():
            if code not in builder.centres or code not in builder.mediators:
                continue
            days_back = _days_back(rng, n)
            for received in (today - timedelta(days=d) for d in days_back):
                if received.weekday() >= 5:  # applications come in on working days
                    received -= timedelta(days=received.weekday() - 4)
                builder.story(code, received)
        if "NH-LS" in builder.mediators:  # the article's centre, and the demo mediator's
            builder.article_case()
            builder.mediators_day()
    demo_legal_services(session, today, builder.rng)
    session.flush()
    return builder.count


def demo_legal_services(session: Session, today: date, rng: random.Random) -> int:
    """Carry about half of the failed mediations on to arbitration with the union lawyer, and
    give those opened more than two months ago a result; returns how many were carried on."""
    from mediation.legal.cases import convert_failed_mediation, record_result, workers_of

    failed = session.exec(
        select(Case).where(Case.status == CaseStatus.FAILED.value).order_by(Case.id)
    ).all()
    carried = 0
    for case in failed:
        if rng.random() < 0.5:
            continue
        actor = session.get(User, case.mediator_id) if case.mediator_id else None
        opened = min(case.closed_on + timedelta(days=rng.randint(1, 20)), today)
        legal = convert_failed_mediation(session, case, actor, accepted_on=opened, today=today)
        carried += 1
        if (today - opened).days > 60:
            outcome = rng.choice(["胜诉", "胜诉", "部分胜诉", "调解结案", "败诉", "撤回"])
            share = {"胜诉": 0.9, "部分胜诉": 0.55, "调解结案": 0.7}.get(outcome, 0.0)
            amounts = {
                worker.id: (int(worker.claimed_fen * share), int(worker.claimed_fen * share))
                for worker in workers_of(session, legal)
            }
            closed = opened + timedelta(days=rng.randint(30, 55))
            record_result(session, legal, actor, outcome, closed, amounts, today=today)
    return carried
