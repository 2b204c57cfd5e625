"""Money in integer fen: parsing what users type, display, and Chinese capital numerals."""

from decimal import Decimal

import pytest

from mediation.money import (
    AMOUNT_CAP_FEN,
    MAX_FEN,
    InvalidAmount,
    fen_to_decimal,
    format_yuan,
    parse_yuan,
    to_chinese_capital,
)


def error_of(func, *args) -> str:
    with pytest.raises(InvalidAmount) as caught:
        func(*args)
    return str(caught.value)


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("227675", 22767500),
        ("227,675", 22767500),
        ("227,675.00", 22767500),
        ("227，675元", 22767500),
        ("  227675.5 元 ", 22767550),
        ("２２７，６７５．００元", 22767500),
        ("¥1,234.56", 123456),
        ("￥88", 8800),
        ("0", 0),
        ("0.01", 1),
        (".5", 50),
        ("5.", 500),
        ("1.500", 150),  # trailing zeros are not extra precision
        ("1,000,000.05", 100000005),
    ],
)
def test_parse_strings(typed, fen):
    assert parse_yuan(typed) == fen


def test_parse_numbers():
    assert parse_yuan(227675) == 22767500
    assert parse_yuan(0) == 0
    assert parse_yuan(Decimal("12.34")) == 1234
    assert parse_yuan(Decimal("1.10")) == 110
    assert parse_yuan(0.1) == 10  # via repr, not binary 0.1000000000000000055...
    assert parse_yuan(0.29) == 29  # 0.29 * 100 == 28.999999999999996 in binary floats
    assert parse_yuan(227675.5) == 22767550


@pytest.mark.parametrize("value", ["-1", "-0.01", -5, Decimal("-0.5"), -0.1])
def test_negative_refused(value):
    assert error_of(parse_yuan, value) == "金额不能为负数"


@pytest.mark.parametrize("value", ["1.005", "0.001", 1.005, Decimal("0.125"), Decimal("1E-30")])
def test_more_than_two_decimals_refused(value):
    assert error_of(parse_yuan, value) == "金额最多保留两位小数"


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "12a",
        "1,23",  # a decimal comma, not a thousands separator
        "1,2345",
        ",123",
        "1.2.3",
        "1e3",
        "nan",
        "元",
        "--1",
        float("nan"),
        float("inf"),
        Decimal("NaN"),
        True,
        [1],
    ],
)
def test_garbage_refused(value):
    assert error_of(parse_yuan, value) == "金额格式不正确"


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_refused(value):
    assert error_of(parse_yuan, value) == "请填写金额"


def test_amounts_above_100_million_yuan_are_refused():
    """The cap per amount is 1亿元 (README); ten billion yuan was accepted before (issue 15)."""
    assert AMOUNT_CAP_FEN == 100_000_000_00
    assert parse_yuan("100,000,000") == AMOUNT_CAP_FEN
    assert parse_yuan("100000000.00元") == AMOUNT_CAP_FEN
    for value in ("100,000,000.01", "10,000,000,000", "999,999,999,999.99", Decimal("1E+30")):
        assert error_of(parse_yuan, value) == "金额不能超过1亿元", value


def test_invalid_amount_is_a_value_error():
    assert issubclass(InvalidAmount, ValueError)


def test_fen_to_decimal():
    assert fen_to_decimal(22767500) == Decimal("227675")
    assert str(fen_to_decimal(22767500)) == "227675.00"
    assert str(fen_to_decimal(5)) == "0.05"
    assert str(fen_to_decimal(0)) == "0.00"
    assert str(fen_to_decimal(-12345)) == "-123.45"


def test_format_yuan():
    assert format_yuan(22767500) == "227,675.00"
    assert format_yuan(0) == "0.00"
    assert format_yuan(5) == "0.05"
    assert format_yuan(100000005) == "1,000,000.05"
    assert format_yuan(-12345678) == "-123,456.78"


def test_round_trip():
    for fen in (0, 1, 99, 100, 22767500, 100000005, AMOUNT_CAP_FEN):
        assert parse_yuan(format_yuan(fen)) == fen


@pytest.mark.parametrize(
    ("fen", "capital"),
    [
        (22767500, "贰拾贰万柒仟陆佰柒拾伍元整"),  # the Lishui case
        (0, "零元整"),
        (100000005, "壹佰万元零伍分"),
        (1001050, "壹万零壹拾元伍角整"),
        (10500000000, "壹亿零伍佰万元整"),
        (35, "叁角伍分"),
        (5, "伍分"),
        (50, "伍角整"),
        (1204, "壹拾贰元零肆分"),
        (10010000, "壹拾万零壹佰元整"),
        (1000, "壹拾元整"),
        (1200, "壹拾贰元整"),
        (100, "壹元整"),
        (10000, "壹佰元整"),
        (100000000, "壹佰万元整"),
        (100100000, "壹佰万零壹仟元整"),
        (1100000, "壹万壹仟元整"),
        (100000000000, "壹拾亿元整"),
        (100000100000, "壹拾亿零壹仟元整"),
        (123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        (168032, "壹仟陆佰捌拾元叁角贰分"),
        (1400000000000, "壹佰肆拾亿元整"),
        (MAX_FEN, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_chinese_capital(fen, capital):
    assert to_chinese_capital(fen) == capital


def test_chinese_capital_refuses_out_of_range():
    assert error_of(to_chinese_capital, -1) == "金额不能为负数"
    assert error_of(to_chinese_capital, MAX_FEN + 1) == "金额超出上限"
    with pytest.raises(TypeError):
        to_chinese_capital(12.5)
    with pytest.raises(TypeError):
        to_chinese_capital(True)


def test_chinese_capital_well_formed_over_a_range():
    allowed = set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
    for fen in range(1, 20_000_000_000, 7_919_993):
        capital = to_chinese_capital(fen)
        assert set(capital) <= allowed
        assert "零零" not in capital
        assert not capital.startswith("零")
        assert capital.endswith("分") != capital.endswith("整")
        assert ("元" in capital) == (fen >= 100)


def test_split_table_keeps_every_row_and_column_total_in_whole_fen():
    import random

    from mediation.money import split_table

    rng = random.Random(13)
    for _ in range(500):
        rows = [
            rng.choice([0, 1, 3, 680_000, rng.randint(0, 10**6)]) for _ in range(rng.randint(1, 12))
        ]
        total = sum(rows)
        cuts = sorted(rng.randint(0, total) for _ in range(rng.randint(0, 4)))
        columns = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        table = split_table(rows, columns)
        assert [sum(line) for line in table] == rows
        assert [sum(cells) for cells in zip(*table, strict=True)] == columns
        for row, line in zip(rows, table, strict=True):
            for column, cell in zip(columns, line, strict=True):
                exact = row * column / total if total else 0
                assert abs(cell - exact) < 1  # rounded down or up, never further


def test_split_table_gives_leftover_fen_to_the_largest_shares():
    from mediation.money import split_table

    # 1 yuan between two instalments for workers agreed 1 fen each: one fen each, not two to one
    assert split_table([1, 1], [1, 1]) in ([[1, 0], [0, 1]], [[0, 1], [1, 0]])
    # 10 fen in three equal parts: the leftover fen goes to the largest agreed amount
    assert split_table([5, 3, 2], [10]) == [[5], [3], [2]]
    assert split_table([400, 350, 250], [500, 500]) == [[200, 200], [175, 175], [125, 125]]
    # 3 fen over three dates for workers agreed 2 and 1: the larger share first
    assert split_table([2, 1], [1, 1, 1]) == [[1, 1, 0], [0, 0, 1]]
