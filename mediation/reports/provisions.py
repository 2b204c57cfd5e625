"""The legal provisions a supervision letter cites (docs/letters.md gives each one and its
source): the catalogue, the basis each kind of letter always prints, and the provisions a
case's dispute category usually involves."""

from dataclasses import dataclass

from models import Case, LetterKind


@dataclass(frozen=True)
class Provision:
    code: str
    law: str
    article: str
    gist: str

    @property
    def citation(self) -> str:
        return f"{self.law}{self.article}"


LABOUR_LAW = "《中华人民共和国劳动法》"
CONTRACT_LAW = "《中华人民共和国劳动合同法》"
UNION_LAW = "《中华人民共和国工会法》"
SUPERVISION_RULES = "《工会劳动法律监督办法》"

# The catalogue a letter cites from (sources in docs/letters.md).
PROVISIONS: dict[str, Provision] = {
    p.code: p
    for p in (
        Provision(
            "labour_88",
            LABOUR_LAW,
            "第八十八条",
            "各级工会依法维护劳动者的合法权益，对用人单位遵守劳动法律、法规的情况进行监督。",
        ),
        Provision(
            "contract_78",
            CONTRACT_LAW,
            "第七十八条",
            "工会对用人单位履行劳动合同、集体合同的情况进行监督；用人单位违反劳动法律、法规和"
            "劳动合同、集体合同的，工会有权提出意见或者要求纠正。",
        ),
        Provision(
            "union_22",
            UNION_LAW,
            "第二十二条",
            "用人单位克扣、拖欠职工工资等侵犯职工劳动权益的，工会应当代表职工与用人单位交涉，"
            "要求其采取措施予以改正；用人单位应当予以研究处理，并向工会作出答复；拒不改正的，"
            "工会可以提请当地人民政府依法作出处理。",
        ),
        Provision(
            "rules_20",
            SUPERVISION_RULES,
            "第二十条",
            "用人单位存在违反劳动法律法规、侵害劳动者合法权益行为的，工会应当督促其及时改正，"
            "必要时发出《工会劳动法律监督意见书》；用人单位应当在十五个工作日内作出处理意见，"
            "并书面告知工会。",
        ),
        Provision(
            "rules_21",
            SUPERVISION_RULES,
            "第二十一条",
            "用人单位未按照工会意见改正违法行为的，县级以上地方总工会可以向同级劳动行政等有关"
            "部门提出《工会劳动法律监督建议书》。",
        ),
        Provision(
            "labour_50",
            LABOUR_LAW,
            "第五十条",
            "工资应当以货币形式按月支付给劳动者本人，不得克扣或者无故拖欠劳动者的工资。",
        ),
        Provision(
            "contract_30",
            CONTRACT_LAW,
            "第三十条",
            "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。",
        ),
        Provision(
            "labour_41",
            LABOUR_LAW,
            "第四十一条",
            "用人单位延长工作时间，一般每日不得超过一小时；因特殊原因需要延长的，每日不得超过"
            "三小时，每月不得超过三十六小时。",
        ),
        Provision(
            "labour_72",
            LABOUR_LAW,
            "第七十二条",
            "用人单位和劳动者必须依法参加社会保险，缴纳社会保险费。",
        ),
        Provision(
            "contract_10",
            CONTRACT_LAW,
            "第十条",
            "建立劳动关系，应当订立书面劳动合同。",
        ),
        Provision(
            "contract_46",
            CONTRACT_LAW,
            "第四十六条",
            "有本条所列情形之一的（含用人单位依法解除或者终止劳动合同的多数情形），用人单位"
            "应当向劳动者支付经济补偿。",
        ),
        Provision(
            "contract_85",
            CONTRACT_LAW,
            "第八十五条",
            "用人单位未及时足额支付劳动报酬、低于最低工资标准支付工资、安排加班不支付加班费"
            "或者解除、终止劳动合同未依法支付经济补偿的，由劳动行政部门责令限期支付；逾期不"
            "支付的，责令按应付金额百分之五十以上百分之一百以下的标准加付赔偿金。",
        ),
    )
}

# What every letter of a kind rests on: the union's power to supervise and the step it takes.
BASIS: dict[LetterKind, tuple[str, ...]] = {
    LetterKind.NOTICE: ("labour_88", "contract_78", "union_22"),
    LetterKind.OPINION: ("labour_88", "contract_78", "union_22", "rules_20"),
    LetterKind.PROPOSAL: ("labour_88", "contract_78", "union_22", "rules_21"),
}

# The provisions a dispute category usually involves: the form's defaults.
BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "劳动报酬": ("labour_50", "contract_30", "contract_85"),
    "社会保险": ("labour_72",),
    "工伤": ("labour_72",),
    "解除/终止劳动合同": ("contract_46",),
    "除名/辞退/辞职/离职": ("contract_46",),
    "订立/履行/变更劳动合同": ("contract_10",),
    "确认劳动关系": ("contract_10",),
    "工作时间/休息休假/福利/培训/劳动保护": ("labour_41",),
}
# What the issuer may tick: every provision that is not a kind's basis (printed anyway).
SUBSTANTIVE = tuple(
    code for code in PROVISIONS if not any(code in basis for basis in BASIS.values())
)


def default_provisions(cases: list[Case]) -> list[str]:
    """The substantive provisions the cases' categories usually involve, catalogue order."""
    wanted = {code for case in cases for code in BY_CATEGORY.get(case.category, ())}
    return [code for code in SUBSTANTIVE if code in wanted]
