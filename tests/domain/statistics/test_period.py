"""The statistics period picker and the SVG charts: plain functions, no database."""

from datetime import date

import pytest

from mediation.statistics import charts
from mediation.statistics.period import (
    InvalidPeriod,
    Period,
    month_within,
    period_from_picker,
    period_label,
    picker_choices,
    picker_value,
    split,
)

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "value,start,end",
    [
        ("2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("2021-Q1", date(2021, 1, 1), date(2021, 3, 31)),
        ("2020-Q4", date(2020, 10, 1), date(2020, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2021-3", date(2021, 3, 1), date(2021, 3, 31)),
        # Periods not over yet stop at today.
        ("2026", date(2026, 1, 1), TODAY),
        ("2026-Q4", date(2026, 10, 1), TODAY),
        ("2026-11", date(2026, 11, 1), TODAY),
        ("last5", date(2022, 1, 1), TODAY),
        ("", date(2026, 1, 1), TODAY),  # default: this year
        (None, date(2026, 1, 1), TODAY),
    ],
)
def test_picker_values(value, start, end):
    assert period_from_picker(value, TODAY) == Period(start, end)


def test_custom_range_is_taken_as_typed():
    period = period_from_picker("custom", TODAY, date(2021, 3, 2), date(2027, 1, 1))
    assert period == Period(date(2021, 3, 2), date(2027, 1, 1))
    # Dates alone mean a custom range.
    assert period_from_picker("", TODAY, date(2021, 3, 2), date(2021, 3, 3)).end == date(2021, 3, 3)


@pytest.mark.parametrize(
    "value,start,end,message",
    [
        ("custom", date(2021, 3, 5), date(2021, 3, 1), "开始日期不能晚于结束日期"),
        ("custom", None, date(2021, 3, 1), "自定义期间请填写开始日期和结束日期"),
        ("custom", date(2021, 3, 1), None, "自定义期间请填写开始日期和结束日期"),
        ("2021-13", None, None, "无法识别的统计期间「2021-13」"),
        ("2021-Q5", None, None, "无法识别的统计期间「2021-Q5」"),
        ("0000", None, None, "无法识别的统计期间「0000」"),
        ("last", None, None, "无法识别的统计期间「last」"),
    ],
)
def test_bad_picker_values(value, start, end, message):
    with pytest.raises(InvalidPeriod) as error:
        period_from_picker(value, TODAY, start, end)
    assert str(error.value) == message


def test_every_offered_choice_names_itself():
    choices = picker_choices(TODAY)
    values = [value for value, _, _ in choices]
    assert values[:2] == ["last5", "custom"]
    assert "2021" in values and "2026-Q4" in values and "2024-12" in values
    assert ("2026-Q4", "2026年第四季度", "季度") in choices
    for value in values:
        if value != "custom":
            assert picker_value(period_from_picker(value, TODAY), TODAY) == value
    assert picker_value(Period(date(2021, 3, 2), date(2021, 3, 9)), TODAY) == "custom"


def test_period_labels():
    assert period_label(Period(date(2021, 1, 1), date(2021, 12, 31))) == "2021年"
    assert period_label(Period(date(2021, 4, 1), date(2021, 6, 30))) == "2021年第二季度"
    assert period_label(Period(date(2021, 3, 1), date(2021, 3, 31))) == "2021年3月"
    assert (
        period_label(Period(date(2021, 3, 2), date(2021, 4, 30))) == "2021年3月2日至2021年4月30日"
    )


def test_month_within_clips_to_the_period():
    period = Period(date(2021, 3, 2), date(2021, 4, 20))
    assert month_within(period, "2021-03") == Period(date(2021, 3, 2), date(2021, 3, 31))
    assert month_within(period, "2021-04") == Period(date(2021, 4, 1), date(2021, 4, 20))


def test_charts_escape_labels_and_label_values():
    series = [charts.Series("受理", [5, 0]), charts.Series("调解成功", [2, 0])]
    svg = charts.bar_chart("c", "按<类别>", ["<script>x</script>", "工伤"], series)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "style=" not in svg
    assert ">5</text>" in svg and ">2</text>" in svg  # values written out, not colour alone
    assert 'fill="url(#c-hatch)"' in svg
    column = charts.column_chart("m", "各月", ["3月\n2021年", "4月"], series)
    assert ">2021年</text>" in column and ">5</text>" in column


def test_column_chart_with_many_months_thins_its_labels():
    labels = [f"{i}" for i in range(60)]
    svg = charts.column_chart("m", "各月", labels, [charts.Series("受理", list(range(60)))])
    assert svg.count('text-anchor="middle">') < 30
    assert "各月数值见下表" in svg


def test_split_periods():
    assert split(Period(date(2021, 1, 1), date(2021, 12, 31))) == (
        (date(2021, 1, 1), date(2021, 12, 1)),
        [],
    )
    assert split(Period(date(2021, 3, 9), date(2021, 3, 20))) == (
        None,
        [(date(2021, 3, 9), date(2021, 3, 20))],
    )
    assert split(Period(date(2021, 3, 9), date(2021, 5, 10))) == (
        (date(2021, 4, 1), date(2021, 4, 1)),
        [(date(2021, 3, 9), date(2021, 3, 31)), (date(2021, 5, 1), date(2021, 5, 10))],
    )
