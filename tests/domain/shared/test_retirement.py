"""The statutory retirement age after the 2025 reform, read from the ID number: a flag for the
mediator, never a refusal (法释〔2025〕12号)."""

from datetime import date

import pytest

from conftest import resident_id
from mediation.retirement import (
    MEN,
    WOMEN_CADRES,
    WOMEN_WORKERS,
    birth_and_sex,
    delay_months,
    past_retirement_age,
    retirement_date,
)


@pytest.mark.parametrize(
    "birth,rule,retires",
    [
        # before the reform's first cohorts: the old ages
        (date(1964, 12, 15), MEN, date(2024, 12, 15)),
        (date(1969, 6, 1), WOMEN_CADRES, date(2024, 6, 1)),
        (date(1974, 12, 31), WOMEN_WORKERS, date(2024, 12, 31)),
        # the reform's table: men born Jan-Apr 1965 +1 month, May-Aug 1965 +2 ...
        (date(1965, 1, 10), MEN, date(2025, 2, 10)),
        (date(1965, 5, 10), MEN, date(2025, 7, 10)),
        (date(1971, 3, 1), MEN, date(2032, 10, 1)),  # +19 months: 61 years 7 months
        (date(1976, 9, 1), MEN, date(2039, 9, 1)),  # from Sept 1976: 63
        (date(1990, 1, 1), MEN, date(2053, 1, 1)),
        # women workers: one month per two months of birth, up to 55 (Nov 1984 on)
        (date(1975, 1, 5), WOMEN_WORKERS, date(2025, 2, 5)),
        (date(1975, 3, 5), WOMEN_WORKERS, date(2025, 5, 5)),
        (date(1984, 11, 30), WOMEN_WORKERS, date(2039, 11, 30)),
        # women cadres: like men, up to 58 (Sept 1981 on)
        (date(1970, 1, 31), WOMEN_CADRES, date(2025, 2, 28)),  # no 31 February: its last day
        (date(1981, 9, 1), WOMEN_CADRES, date(2039, 9, 1)),
    ],
)
def test_retirement_dates_follow_the_reform_table(birth, rule, retires):
    assert retirement_date(birth, rule) == retires


def test_delays_are_capped():
    assert delay_months(date(1976, 8, 31), MEN) == 35
    assert delay_months(date(1976, 9, 1), MEN) == 36 == delay_months(date(2000, 1, 1), MEN)
    assert delay_months(date(1984, 10, 1), WOMEN_WORKERS) == 59
    assert delay_months(date(1984, 11, 1), WOMEN_WORKERS) == 60


def test_birth_and_sex_come_from_the_id_number():
    man = resident_id(1, birth="19650110")  # serial 001: odd, a man
    woman = resident_id(2, birth="19750105")
    assert birth_and_sex(man) == (date(1965, 1, 10), True)
    assert birth_and_sex(woman) == (date(1975, 1, 5), False)
    assert birth_and_sex("E12345678") is None and birth_and_sex("") is None
    # a man born January 1965 reaches the age on 10 February 2025, not 10 January
    assert not past_retirement_age(man, date(2025, 2, 9))
    assert past_retirement_age(man, date(2025, 2, 10))
    assert not past_retirement_age(woman, date(2025, 2, 4))
    assert past_retirement_age(woman, date(2025, 2, 5))
    assert not past_retirement_age("KAZ110090123105", date(2060, 1, 1))  # the number doesn't say
