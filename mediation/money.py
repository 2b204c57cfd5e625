"""Money as integer fen (1 yuan = 100 fen): parsing, display and Chinese capital numerals."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# 9,999亿9,999万9,999元9角9分: the largest amount to_chinese_capital can write (sums included).
MAX_FEN = 10**14 - 1
# The largest single amount parse_yuan accepts (a claim, an agreed or paid sum): 1亿元. Far above
# any labour claim, it refuses typing slips such as ten billion yuan (issue 15; README "金额上限").
AMOUNT_CAP_FEN = 10**10
AMOUNT_CAP_MESSAGE = "金额不能超过1亿元"

# Either plain digits or digits grouped by thousands; "1,23" is refused, not read as 123.
_AMOUNT = re.compile(r"-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d*)?|-?\.\d+")

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_POSITIONS = ("仟", "佰", "拾", "")


class InvalidAmount(ValueError):
    """An amount was refused; str() is a Chinese message for the form field."""


def _to_decimal(value: str | int | float | Decimal) -> Decimal:
    """Read the value as a Decimal number of yuan, without range checks."""
    if isinstance(value, bool):
        raise InvalidAmount("金额格式不正确")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # 0.1 -> Decimal("0.1"), not 0.1000000000000000055...
    if not isinstance(value, str):
        raise InvalidAmount("金额格式不正确")
    # NFKC turns full-width digits, "，", "．" and "￥" into their ASCII forms.
    text = "".join(unicodedata.normalize("NFKC", value).split())
    if not text:
        raise InvalidAmount("请填写金额")
    text = text.removesuffix("元").removeprefix("¥")
    if not _AMOUNT.fullmatch(text):
        raise InvalidAmount("金额格式不正确")
    return Decimal(text.replace(",", ""))


# Larger units an amount may be counted in (a ledger column headed 「金额（万元）」): {unit: power
# of ten of yuan}. The amount is still exact to the fen once scaled: 1.234567万元 = 12,345.67元.
UNIT_EXPONENTS = {"元": 0, "千元": 3, "万元": 4}
_PLACES = {2: "两", 5: "五", 6: "六"}


def parse_yuan(value: str | int | float | Decimal | None, unit: str = "元") -> int:
    """Parse an amount of yuan (or of `unit`, one of UNIT_EXPONENTS) as typed or computed and
    return it in integer fen, exactly (Decimal arithmetic, never a float product).

    Strings may carry thousands separators, a leading ¥/￥, a trailing 元, spaces and
    full-width digits. Trailing zeros beyond the fen are accepted ("1.500"). An amount finer
    than a fen once scaled is refused, as are amounts above AMOUNT_CAP_FEN (1亿元).
    """
    exponent = UNIT_EXPONENTS[unit]
    if value is None:
        raise InvalidAmount("请填写金额")
    try:
        amount = _to_decimal(value)
    except InvalidOperation:
        raise InvalidAmount("金额格式不正确") from None
    if not amount.is_finite():
        raise InvalidAmount("金额格式不正确")
    if amount < 0:
        raise InvalidAmount("金额不能为负数")
    fen = amount.scaleb(2 + exponent)
    if fen > AMOUNT_CAP_FEN:
        raise InvalidAmount(AMOUNT_CAP_MESSAGE)
    if fen != fen.to_integral_value():
        if not exponent:
            raise InvalidAmount("金额最多保留两位小数")
        places = _PLACES[2 + exponent]
        raise InvalidAmount(f"以{unit}计的金额最多保留{places}位小数（精确到分）")
    return int(fen)


def fen_to_decimal(fen: int) -> Decimal:
    """Integer fen as a Decimal of yuan with exactly two places."""
    return Decimal(fen).scaleb(-2)


def format_yuan(fen: int) -> str:
    """Display form with thousands separators: 22767500 -> "227,675.00"."""
    return f"{fen_to_decimal(fen):,.2f}"


def to_chinese_capital(fen: int) -> str:
    """Chinese financial capital numerals as written on agreements and bank forms.

    22767500 -> 贰拾贰万柒仟陆佰柒拾伍元整; 1050 -> 壹拾元伍角整; 1204 -> 壹拾贰元零肆分.
    Runs of zeros inside the number are written as one 零; 整 closes an amount without 分.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError("fen must be an int")
    if fen < 0:
        raise InvalidAmount("金额不能为负数")
    if fen > MAX_FEN:
        raise InvalidAmount("金额超出上限")
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    if yuan == 0 and rest == 0:
        return "零元整"
    text = _integer_capital(yuan) + "元" if yuan else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif cents and yuan:
        text += "零"  # 12.04 -> 壹拾贰元零肆分
    return text + (_DIGITS[cents] + "分" if cents else "整")


def _integer_capital(number: int) -> str:
    """Capital numerals for a positive integer below 10**12 (without 元)."""
    text, started, zero_pending = "", False, False
    for section, section_unit in (
        (number // 10**8, "亿"),
        (number // 10**4 % 10**4, "万"),
        (number % 10**4, ""),
    ):
        for digit, position in zip(f"{section:04d}", _POSITIONS, strict=True):
            if digit == "0":
                zero_pending = started
                continue
            if zero_pending:
                text += "零"
                zero_pending = False
            text += _DIGITS[int(digit)] + position
            started = True
        if section:
            text += section_unit
    return text


def approximate_yuan(fen: int) -> str:
    """An amount as a report's prose writes it: 亿元 or 万元 with one decimal (rounded half-up,
    always "约"), smaller amounts in whole yuan ("约" only when rounded).

    14_000_000_000 -> "约1.4亿元"; 22_767_500 -> "约22.8万元"; 123_456 -> "约1,235元";
    100_000 -> "1,000元"; 0 -> "0元".
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError("fen must be an int")
    if fen < 0:
        raise InvalidAmount("金额不能为负数")
    yuan = fen_to_decimal(fen)
    tenth = Decimal("0.1")
    for unit, name in ((Decimal(10**8), "亿元"), (Decimal(10**4), "万元")):
        value = (yuan / unit).quantize(tenth, ROUND_HALF_UP)
        if value >= 1:  # 9,999.96万元 reads as 约1.0亿元, 9,999.96元 as 约1.0万元
            return f"约{value:,}{name}"
    whole = yuan.quantize(Decimal("1"), ROUND_HALF_UP)
    return f"{'' if whole == yuan else '约'}{whole:,}元"


def split_table(rows: list[int], columns: list[int]) -> list[list[int]]:
    """Split amounts proportionally in whole fen over a table whose row totals (`rows`, e.g.
    each worker's agreed amount) and column totals (`columns`, e.g. each instalment) are both
    kept exactly: cell (r, c) is rows[r] * columns[c] / total rounded down or up, never further.
    The fen left over by rounding down go to the largest remainders first, then to the largest
    shares. Both lists must add up to the same total."""
    total = sum(rows)
    if total != sum(columns) or min([*rows, *columns], default=0) < 0:
        raise ValueError("row and column totals must be non-negative and add up alike")
    if total == 0:
        return [[0] * len(columns) for _ in rows]
    cells = [[r * c // total for c in columns] for r in rows]
    remainder = [[r * c % total for c in columns] for r in rows]
    row_need = [r - sum(line) for r, line in zip(rows, cells, strict=True)]
    extra: list[set[int]] = [set() for _ in rows]  # columns whose cell is rounded up, per row

    def candidates(column: int) -> list[int]:
        found = [r for r in range(len(rows)) if remainder[r][column] and column not in extra[r]]
        return sorted(found, key=lambda r: (-remainder[r][column], -rows[r], r))

    def place(column: int, visited: set[int]) -> bool:
        """Round one more cell of `column` up, moving other rounded-up cells along a chain of
        rows when the preferred rows have had all they may get (an augmenting path)."""
        rows_here = [row for row in candidates(column) if row not in visited]
        for row in rows_here:  # a row that may still get a fen, in order of preference
            if len(extra[row]) < row_need[row]:
                extra[row].add(column)
                return True
        for row in rows_here:  # else move a fen of an earlier column to make room
            if row in visited:
                continue
            visited.add(row)
            for other in sorted(extra[row]):
                if other != column and place(other, visited):
                    extra[row].discard(other)
                    extra[row].add(column)
                    return True
        return False

    for column, amount in enumerate(columns):
        for _ in range(amount - sum(line[column] for line in cells)):
            if not place(column, set()):  # cannot happen: the fractions add up per row and column
                raise AssertionError("no whole-fen split keeps both totals")
    return [
        [cell + (column in extra[r]) for column, cell in enumerate(line)]
        for r, line in enumerate(cells)
    ]
