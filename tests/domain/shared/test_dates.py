"""Local dates in Asia/Shanghai and typed dates (periods: test_periods.py)."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mediation import dates
from mediation.dates import TZ, InvalidDate, days_left, parse_date_text


def test_now_is_aware_in_shanghai():
    current = dates.now()
    assert current.tzinfo is TZ
    assert current.utcoffset() == timedelta(hours=8)
    assert abs(current - datetime.now(UTC)) < timedelta(minutes=1)


def test_today_is_shanghai_date():
    assert dates.today() in {
        datetime.now(TZ).date(),
        (datetime.now(UTC) + timedelta(hours=8)).date(),
    }
    assert isinstance(dates.today(), date)
    assert not isinstance(dates.today(), datetime)


def test_days_left():
    deadline = date(2021, 3, 24)
    assert days_left(deadline, date(2021, 3, 9)) == 15
    assert days_left(deadline, deadline) == 0
    assert days_left(deadline, date(2021, 3, 26)) == -2


@pytest.mark.parametrize(
    "typed",
    [
        "2021-03-09",
        "2021-3-9",
        "2021/3/9",
        "2021/03/09",
        "2021.3.9",
        "2021年3月9日",
        "2021年03月09日",
        "2021 年 3 月 9 日",
        "2021年3月9",
        "  2021-03-09  ",
        "２０２１－０３－０９",
        "２０２１年３月９日",
    ],
)
def test_parse_date_text_accepts_usual_forms(typed):
    assert parse_date_text(typed) == date(2021, 3, 9)


def test_parse_date_text_passes_dates_through():
    assert parse_date_text(date(2021, 3, 9)) == date(2021, 3, 9)
    assert parse_date_text(datetime(2021, 3, 9, 23, 30)) == date(2021, 3, 9)
    result = parse_date_text(datetime(2021, 3, 9, 10, 0))
    assert type(result) is date


def test_parse_date_text_reads_aware_datetimes_in_shanghai():
    # 20:00 UTC on the 8th is 04:00 on the 9th in Foshan
    assert parse_date_text(datetime(2021, 3, 8, 20, 0, tzinfo=UTC)) == date(2021, 3, 9)
    minus_five = timezone(timedelta(hours=-5))
    assert parse_date_text(datetime(2021, 3, 9, 12, 0, tzinfo=minus_five)) == date(2021, 3, 10)


@pytest.mark.parametrize(
    "typed",
    [
        "2021-03",
        "21-03-09",
        "2021-03-09-01",
        "2021/3-9",  # mixed separators
        "2021-003-09",
        "09/03/2021",
        "二〇二一年三月九日",
        "yesterday",
        "2021年3-9",
        12,
    ],
)
def test_parse_date_text_refuses_bad_formats(typed):
    with pytest.raises(InvalidDate) as caught:
        parse_date_text(typed)
    assert str(caught.value) == "日期格式不正确（例：2021-03-09）"


@pytest.mark.parametrize(
    "typed", ["2021-02-30", "2021-02-29", "2021年4月31日", "2021/13/1", "2021.0.9", "0000-01-01"]
)
def test_parse_date_text_refuses_nonexistent_dates(typed):
    with pytest.raises(InvalidDate) as caught:
        parse_date_text(typed)
    assert str(caught.value) == "日期不存在"


def test_parse_date_text_leap_day():
    assert parse_date_text("2020-02-29") == date(2020, 2, 29)


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_parse_date_text_empty(typed):
    with pytest.raises(InvalidDate) as caught:
        parse_date_text(typed)
    assert str(caught.value) == "请填写日期"


def test_invalid_date_is_a_value_error():
    assert issubclass(InvalidDate, ValueError)
