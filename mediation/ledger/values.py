"""Ledger cells as clerks type them: dates in every usual form, amounts with separators, 元 and
万, and the outcome, channel and category words centres use for the ledger's own.

The ledger's own words and forms read as they always did; these only widen what is accepted.
Each parser returns the value or raises BadCell with the message for the report.
"""

import re
import unicodedata
from datetime import date
from typing import Any

from mediation.dates import InvalidDate, parse_date_text
from mediation.ledger.columns import FAILED, OPEN, OUTCOMES, REFUSED, SUCCEEDED, WITHDRAWN
from mediation.ledger.reading import BadCell, cell_text, one_of
from mediation.money import InvalidAmount, parse_yuan
from models import Category, Channel

_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")  # 20210309
_TEN_THOUSANDS = re.compile(r"[¥￥]?(\d+(?:\.\d+)?)万元?")  # 1.2万, 1.2万元


def cell_date(value: Any) -> date:
    """Excel date cells, 2021-03-09, 2021/3/9, 2021.3.9, 2021年3月9日 and 20210309 (typed, or
    a number a spreadsheet kept as such). Any other number is refused: an Excel serial without
    a date format cannot be told from a count."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise BadCell("日期格式不正确（例：2021-03-09）")
        value = str(int(value))
    if isinstance(value, str) and value.isdigit():  # also full-width digits
        text = unicodedata.normalize("NFKC", value).strip()
        if match := _COMPACT_DATE.fullmatch(text):
            value = "-".join(match.groups())
        elif len(text) == 8 and text.isdigit():
            raise BadCell("日期格式不正确（例：2021-03-09）")
    try:
        return parse_date_text(value)
    except InvalidDate as error:
        raise BadCell(str(error)) from None


def cell_amount(value: Any, unit: str = "元") -> int:
    """Yuan in fen: 12000, 12,000.50, 12000元, ￥12,000, full-width digits, and 1.2万 or 1.2万元
    (12,000.00). In a column counted in larger units (`unit`: 万元 or 千元, from its header) a
    bare number is in that unit: 1.2 in a 万元 column is 12,000.00元, exact to the fen and no
    finer. A cell that names its own unit (1.2万, 12000元) is read in it."""
    if isinstance(value, str):
        text = "".join(unicodedata.normalize("NFKC", value).split())
        if "万" in text:
            match = _TEN_THOUSANDS.fullmatch(text)
            if match:
                return _fen(match.group(1), "万元")
        elif text.endswith("元"):
            unit = "元"
    return _fen(value, unit)


def _fen(value: Any, unit: str) -> int:
    try:
        return parse_yuan(value, unit)
    except InvalidAmount as error:
        raise BadCell(str(error)) from None


def _words(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """{word as typed, normalised: the ledger's word}, the ledger's own words included."""
    words = {}
    for canonical, synonyms in table.items():
        for word in (canonical, *synonyms):
            words[_key(word)] = canonical
    return words


def _key(text: str) -> str:
    """A word as compared: full-width folded, without blanks and brackets."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s()（）【】\[\]]", "", text)


OUTCOME_SYNONYMS: dict[str, tuple[str, ...]] = {
    SUCCEEDED: ("达成协议", "达成调解协议", "已达成协议", "调解达成", "成功", "调解成功结案"),
    FAILED: (
        "未达成",
        "未达成协议",
        "调解不成功",
        "不成功",
        "调解失败",
        "失败",
        "终止",
        "终止调解",
        "调解终止",
        "不成",
    ),
    WITHDRAWN: ("撤诉", "撤回申请", "撤销申请", "申请人撤回", "撤案", "撤销"),
    REFUSED: ("不受理", "不予受理决定"),
    OPEN: ("在调", "正在调解", "调解中（未结）", "未结", "未结案", "办理中", "处理中"),
}
CHANNEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    Channel.WALK_IN.value: ("现场", "来访", "现场来访", "窗口", "窗口受理", "当事人申请"),
    Channel.PHONE.value: ("电话（12351/12333）", "12351", "12333", "热线", "电话申请"),
    Channel.ONLINE.value: ("网上", "网络", "网络申请", "线上", "线上申请", "微信", "小程序"),
    Channel.ARBITRATION.value: ("仲裁", "仲裁委托（裁前调解）", "裁前调解", "仲裁委派", "仲裁转办"),
    Channel.COURT_DELEGATED.value: ("法院委派（诉前）", "诉前", "诉前调解", "诉前委派"),
    Channel.COURT_ENTRUSTED.value: ("法院委托（诉中）", "诉中", "诉中调解", "诉中委托"),
    Channel.REFERRED.value: (
        "其他单位转办",
        "转办",
        "转交",
        "信访转办",
        "监察转办",
        "劳动监察转办",
    ),
}
CATEGORY_SYNONYMS: dict[str, tuple[str, ...]] = {
    Category.WAGES.value: (
        "工资",
        "欠薪",
        "拖欠工资",
        "追索劳动报酬",
        "追讨工资",
        "劳动报酬争议",
        "工资争议",
        "加班费",
    ),
    Category.SOCIAL_INSURANCE.value: ("社保", "社会保险争议", "社保争议", "社会保险待遇"),
    Category.WORK_INJURY.value: ("工伤待遇", "工伤赔偿", "工伤争议", "工伤保险待遇"),
    Category.TERMINATION.value: (
        "解除劳动合同",
        "终止劳动合同",
        "解除或终止劳动合同",
        "经济补偿",
        "经济补偿金",
        "违法解除",
        "赔偿金",
    ),
    Category.RELATIONSHIP.value: ("劳动关系确认", "确认劳动关系争议", "劳动关系"),
    Category.CONTRACT.value: ("订立劳动合同", "履行劳动合同", "变更劳动合同", "二倍工资"),
    Category.DISMISSAL.value: ("除名", "辞退", "辞职", "离职"),
    Category.OTHER.value: ("其它",),
}
_OUTCOME_WORDS = _words(OUTCOME_SYNONYMS)
_CHANNEL_WORDS = _words(CHANNEL_SYNONYMS)
_CATEGORY_WORDS = _words(CATEGORY_SYNONYMS)


_CHANNELS = tuple(c.value for c in Channel)
_CATEGORIES = tuple(c.value for c in Category)


def _canonical(value: Any, words: dict[str, str], allowed: tuple[str, ...]) -> str:
    text = cell_text(value)
    if text in allowed:  # the ledger's own word, as most rows have it
        return text
    return one_of(words.get(_key(text), text), allowed)


def cell_outcome(value: Any) -> str:
    return _canonical(value, _OUTCOME_WORDS, OUTCOMES)


def cell_channel(value: Any) -> str:
    return _canonical(value, _CHANNEL_WORDS, _CHANNELS)


def cell_category(value: Any) -> str:
    return _canonical(value, _CATEGORY_WORDS, _CATEGORIES)


def known_word(value: Any, kind: str) -> bool:
    """Whether a cell holds a word of that kind ("outcome", "channel", "category"), for telling
    a column by its content."""
    words = {"outcome": _OUTCOME_WORDS, "channel": _CHANNEL_WORDS, "category": _CATEGORY_WORDS}
    return _key(cell_text(value)) in words[kind]
