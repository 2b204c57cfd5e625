"""The demo's data tables: users, centres' case loads, law firms and lawyers, employers by
district and industry, names and birthplaces, the reasons and notes cases close with, and the
article's case. seed.people and seed.demo play them through the domain operations.

Names of people, firms and companies are invented (in the style of Foshan's industries).
"""

from dataclasses import dataclass
from datetime import date

from models import Category, FailureReason, Role

DEMO_PASSWORD = "lishui-demo-2026"

# Display names are people's names only: documents print 「调解员：梁敏」, the role is not part of
# the name.
DEMO_USERS = [
    ("admin", Role.ADMIN, None, None, "林晓东"),
    ("city", Role.CITY_SUPERVISOR, None, None, "陈立新"),
    ("nanhai", Role.DISTRICT_SUPERVISOR, None, "NH", "李国强"),
    ("lishui", Role.CENTRE_SUPERVISOR, "NH-LS", None, "黄慧玲"),
    ("mediator", Role.MEDIATOR, "NH-LS", None, "梁敏"),
    ("mediator.cc", Role.MEDIATOR, "CC-ZC", None, "何静"),
    ("lawyer", Role.LAWYER, "NH-LS", None, "冯志坚"),  # the roster's 冯志坚, linked below
]
# What earlier demo data called them (job title and name): renamed when the demo data is loaded
# again into an existing database.
TITLED_DISPLAY_NAMES = {
    "admin": "系统管理员",
    "city": "市总工会 陈科长",
    "nanhai": "南海区 李主任",
    "lishui": "里水中心 黄主任",
    "mediator": "调解员 梁敏",
    "mediator.cc": "调解员 何静",
    "lawyer": "特约律师 冯律师",
}


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
    ("mediator.fs", "FS", "邓志华"),
    ("mediator.court", "FS-COURT", "麦少芬"),
    ("mediator.chancheng", "CC", "罗国平"),
    ("mediator.nh", "NH", "潘婉仪"),
    ("mediator.sd", "SD", "卢建明"),
    ("mediator.rg", "SD-RG", "区美玲"),
    ("mediator.gm", "GM", "谭永康"),
    ("mediator.ss", "SS", "钟丽华"),
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

# The article's case: 2021-03-09, Lishui, 10 workers (阿永 and nine others) and a
# packaging-printing company settle in a little over two hours; 227,675 yuan of wages paid.
ARTICLE_DAY = date(2021, 3, 9)
ARTICLE_TOTAL_FEN = 227_675_00
ARTICLE_WORKERS = ["阿永", "黄志强", "李国华", "陈小兵", "吴桂芳", "刘德明", "罗振华", "张秀兰",
                   "杨建新", "覃海燕"]  # fmt: skip
ARTICLE_WAGES = [
    26850_00,
    24310_50,
    23980_00,
    22765_00,
    22400_00,
    21960_00,
    21535_50,
    21274_00,
    21100_00,
]  # fmt: skip  (the tenth is what is left of the total)
ARTICLE_WOMEN = {"吴桂芳", "张秀兰", "覃海燕"}
ARTICLE_JOBS = ["印刷机长", "印刷机长", "啤机工", "糊盒工", "包装工", "包装工", "啤机工",
                "包装工", "仓管员", "糊盒工"]  # fmt: skip
ARTICLE_FACTS = (
    "阿永等10名职工在被申请单位从事印刷包装工作，被申请单位拖欠2020年10月至2021年2月"
    "工资，职工多次追讨未果，到里水镇劳动争议联合调解中心申请调解。"
)
ARTICLE_REQUESTS = "请求被申请单位一次性支付拖欠的工资合计227,675.00元。"
ARTICLE_PLACE = "南海区里水镇劳动争议联合调解中心调解室"
ARTICLE_ATTENDEES = "申请人阿永等10人，被申请单位法定代表人及财务人员，特约律师冯志坚，调解员梁敏"
ARTICLE_MINUTES = (
    "调解员与特约律师分别听取双方意见，核对工资表和考勤记录，逐人确认拖欠金额；"
    "被申请单位同意当日一次性支付全部拖欠工资。"
)
