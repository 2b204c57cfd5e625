"""The names centres give the ledger's columns in their own spreadsheets, and the columns they
keep that the ledger does not import; read by the column mapping (mapping.py). The list is
docs/ledger-mapping.md's; add names here as centres show new ones. Headers are compared by
their key (header_key), without blanks, marks and a trailing unit, which header_unit reads.
"""

import re
import unicodedata
from typing import Any

from mediation.ledger.columns import (
    ACCEPTED,
    AGREED,
    CATEGORY,
    CENTRE,
    CHANNEL,
    CLAIMED,
    CLOSED,
    CREDIT_CODE,
    EMPLOYER,
    LAWYER,
    NAMES,
    NEW_EMPLOYMENT,
    NOTE,
    NUMBER,
    OUTCOME,
    PAID,
    REASON,
    RECEIVED,
    WORKER_COUNT,
    unescape_cell,
)
from mediation.ledger.reading import cell_text
from mediation.money import UNIT_EXPONENTS

SYNONYMS: dict[str, tuple[str, ...]] = {
    NUMBER: (
        "案号",
        "编号",
        "调解案号",
        "案件号",
        "调解编号",
        "受理编号",
        "登记编号",
        "调解书编号",
    ),
    CENTRE: ("调解机构", "调解中心", "调解组织名称", "受理机构", "调解委员会", "受理单位"),
    RECEIVED: (
        "收案日期",
        "申请日期",
        "来访日期",
        "收案时间",
        "申请时间",
        "来访时间",
        "登记日期",
        "登记时间",
        "收到申请时间",
    ),
    ACCEPTED: ("受理时间", "立案日期", "立案时间", "受理日"),
    CHANNEL: ("来源", "案源", "来案方式", "案件来源渠道", "申请方式", "来案渠道"),
    CATEGORY: ("争议类型", "案由", "纠纷类型", "争议类别", "纠纷类别", "争议事项", "案件类型"),
    WORKER_COUNT: ("涉及人数", "人数", "申请人人数", "涉案人数", "劳动者人数", "职工人数"),
    NAMES: ("劳动者", "职工姓名", "申请人姓名", "劳动者姓名", "员工姓名", "申请人（劳动者）"),
    EMPLOYER: (
        "被申请人",
        "用人单位",
        "单位名称",
        "被申请人名称",
        "用人单位名称",
        "企业名称",
        "被申请人（用人单位）",
    ),
    CREDIT_CODE: ("信用代码", "社会信用代码", "单位信用代码", "统一代码"),
    CLAIMED: (
        "申请金额",
        "诉求金额",
        "涉及金额",
        "标的额",
        "争议金额",
        "涉案金额",
        "请求标的",
        "拖欠工资",
        "拖欠金额",
        "欠薪金额",
        "拖欠工资金额",
    ),
    LAWYER: ("承办律师", "律师", "值班律师", "调解律师"),
    OUTCOME: ("处理结果", "结案方式", "办理结果", "调处结果", "结果", "调解情况"),
    CLOSED: ("结案时间", "办结日期", "办结时间", "结案日"),
    AGREED: ("调解金额", "达成金额", "协议约定金额", "调解协议金额", "达成协议金额"),
    PAID: ("到位金额", "已支付", "已支付金额", "实际支付金额", "兑现金额", "履行金额", "实际到位"),
    NEW_EMPLOYMENT: ("是否新就业形态", "新业态", "新就业形态劳动者"),
    REASON: ("不成原因", "调解不成原因", "撤回原因", "不予受理原因", "未达成原因"),
    NOTE: ("备注说明", "说明"),
}
# Columns centres keep that the ledger does not import.
NOT_IMPORTED_NAMES = (
    "序号",
    "编号序号",
    "联系电话",
    "电话",
    "手机",
    "手机号",
    "手机号码",
    "身份证号",
    "身份证号码",
    "证件号码",
    "经办人",
    "调解员",
    "承办人",
    "地址",
    "单位地址",
)

# A trailing unit of a header: （元）, (万元), （单位：万元）, [人]; or a bare 万元 / 千元
# ("标的额 万元").
_UNIT = re.compile(
    r"(?:[(（\[【](?:单位)?(?:人民币)?(?P<bracketed>元|万元|千元|人|个)[)）\]】]"
    r"|/?(?P<bare>万元|千元))$"
)


def header_key(raw: Any) -> str:
    """A header as compared: full-width folded, without blanks, required-markers (*), colons and
    a trailing unit such as （元）."""
    text = _bare_header(raw)
    match = _UNIT.search(text)
    return text[: match.start()] if match and match.start() else text


def _bare_header(raw: Any) -> str:
    text = unicodedata.normalize("NFKC", cell_text(unescape_cell(raw)))
    return re.sub(r"[\s*:：]", "", text)


def header_unit(raw: Any) -> str:
    """The unit a header counts its amounts in: 万元 or 千元 when it says so (「拖欠工资（万元）」,
    「金额(万元)」, 「标的额 万元」), otherwise 元."""
    text = _bare_header(raw)
    match = _UNIT.search(text)
    if match is None or not match.start():
        return "元"
    unit = match.group("bracketed") or match.group("bare")
    return unit if unit in UNIT_EXPONENTS else "元"
