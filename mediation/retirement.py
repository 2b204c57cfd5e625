"""The statutory retirement age, for a flag on the case page (never a reason to refuse).

Since 法释〔2025〕12号 (in force 2025-09-01) a dispute of a worker past the statutory retirement
age is no longer automatically a 劳务 dispute: the mediator must look at it, so the case page
flags such workers 「已达法定退休年龄」.

The ages follow 全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 (2024-09-13, in force
2025-01-01) and its table (附件《国务院关于渐进式延迟法定退休年龄的办法》): from the old 60 for men,
55 for women cadres and 50 for women workers, retirement is delayed by one month per 4 months of
birth for men born from January 1965 and women cadres born from January 1970 (to 63 and 58), and
by one month per 2 months of birth for women workers born from January 1975 (to 55).

Approximations, said here and in docs/periods.md: the birth date and sex come from the 18-digit
number (GB 11643: the 17th digit is odd for men); the tracker does not know whether a woman holds
a worker's or a cadre's post, so women are flagged at the women workers' age, the earlier one
(the mediator checks); flexible early or late retirement (弹性退休) is not known either.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Rule:
    base_years: int
    first_delayed_birth: date  # the first birth month whose retirement is delayed
    months_per_step: int  # birth months per month of delay
    max_delay_months: int


MEN = Rule(60, date(1965, 1, 1), 4, 36)
WOMEN_CADRES = Rule(55, date(1970, 1, 1), 4, 36)
WOMEN_WORKERS = Rule(50, date(1975, 1, 1), 2, 60)


def _add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def delay_months(birth: date, rule: Rule) -> int:
    """Months the 2025 reform adds to the old age for a birth date."""
    if birth < rule.first_delayed_birth:
        return 0
    months = (birth.year - rule.first_delayed_birth.year) * 12 + birth.month - 1
    return min(months // rule.months_per_step + 1, rule.max_delay_months)


def retirement_date(birth: date, rule: Rule) -> date:
    """The day the worker reaches the statutory retirement age."""
    return _add_months(birth, rule.base_years * 12 + delay_months(birth, rule))


def birth_and_sex(id_number: str) -> tuple[date, bool] | None:
    """(birth date, is male) read from an 18-character GB 11643 number; None otherwise."""
    number = (id_number or "").strip()
    if len(number) != 18 or not number[:17].isdigit():
        return None
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return birth, int(number[16]) % 2 == 1


def past_retirement_age(id_number: str, on: date) -> bool:
    """The holder had reached the statutory retirement age on `on` (women: the women workers'
    age, see the module note). False when the number does not tell."""
    found = birth_and_sex(id_number)
    if found is None:
        return False
    birth, male = found
    return retirement_date(birth, MEN if male else WOMEN_WORKERS) <= on
