"""Identifier checks: ID numbers (GB 11643), credit codes (GB 32100), phones, practice certificates.

Every normaliser returns the canonical form to store, or raises InvalidIdentifier whose str()
is a short Chinese message to show under the form field. Maskers never raise.
"""

import contextlib
import re
import unicodedata
from datetime import date
from enum import StrEnum

from mediation import dates
from models import crypto


class InvalidIdentifier(ValueError):
    """An identifier failed its check; str() is a short Chinese message for the form field."""


class IdType(StrEnum):
    """Kinds of identity document a party may present."""

    RESIDENT = "resident"
    HMT_PERMIT = "hmt_permit"
    FOREIGN_PR = "foreign_pr"
    PASSPORT = "passport"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Chinese name of the document type."""
        return _ID_TYPE_LABELS[self]


_ID_TYPE_LABELS = {
    IdType.RESIDENT: "居民身份证",
    IdType.HMT_PERMIT: "港澳台居民居住证",
    IdType.FOREIGN_PR: "外国人永久居留身份证",
    IdType.PASSPORT: "护照",
    IdType.OTHER: "其他证件",
}

# --- GB 11643: resident ID numbers and the permits that share its layout ---------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_HMT_PREFIXES = ("810000", "820000", "830000")
_EARLIEST_BIRTH = date(1900, 1, 1)
_FREE_TEXT_MAX = 30


def _clean(value: str | None) -> str:
    """Full-width to half-width, drop all whitespace, upper-case."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).upper()


def resident_id_check_char(first17: str) -> str:
    """GB 11643 check character ('0'-'9' or 'X') for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidIdentifier("格式不正确")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _check_gb11643(number: str, today: date) -> None:
    """Length, characters, birth date and check character of an 18-character number."""
    if len(number) != 18:
        raise InvalidIdentifier("应为18位")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise InvalidIdentifier("格式不正确")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdentifier("出生日期无效") from None
    if not _EARLIEST_BIRTH <= birth <= today:
        raise InvalidIdentifier("出生日期无效")
    if resident_id_check_char(number[:17]) != number[17]:
        raise InvalidIdentifier("校验位错误")


def id_type_of(number: str) -> IdType:
    """The document type an 18-character GB 11643 number names by its prefix: 9… a foreigner's
    permanent residence card (2023 layout), 810000/820000/830000 a Hong Kong, Macao or Taiwan
    residence permit, anything else (81… with another area code among them) a resident ID."""
    number = _clean(number)
    if number.startswith("9"):
        return IdType.FOREIGN_PR
    if number.startswith(_HMT_PREFIXES):
        return IdType.HMT_PERMIT
    return IdType.RESIDENT


# The foreigner's permanent residence card of 2004 (外国人永久居留证), still valid until it
# expires: 15 characters, the holder's nationality as ISO 3166-1 alpha-3 letters, a 4-digit code
# of the issuing place, the birth date as YYMMDD, one serial digit and a check digit computed
# as in machine-readable travel documents (ICAO Doc 9303: weights 7, 3, 1; A=10 ... Z=35).
_OLD_FOREIGN_PR = re.compile(r"[A-Z]{3}\d{12}")
_MRZ_WEIGHTS = (7, 3, 1)


def _mrz_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def mrz_check_digit(text: str) -> str:
    """ICAO 9303 check digit of digits and capital letters."""
    total = sum(_mrz_value(c) * _MRZ_WEIGHTS[i % 3] for i, c in enumerate(text))
    return str(total % 10)


def _check_old_foreign_pr(number: str, today: date) -> None:
    """Birth date (either century, not after today) and check digit of a 2004 card number."""
    yy, mm, dd = int(number[7:9]), int(number[9:11]), int(number[11:13])
    births = []
    for century in (1900, 2000):
        with contextlib.suppress(ValueError):
            births.append(date(century + yy, mm, dd))
    if not any(_EARLIEST_BIRTH <= birth <= today for birth in births):
        raise InvalidIdentifier("出生日期无效")
    if mrz_check_digit(number[:14]) != number[14]:
        raise InvalidIdentifier("校验位错误")


def _wrong_type(number: str, chosen: IdType) -> str | None:
    """A message naming the right document type when the number belongs to another one."""
    actual = id_type_of(number)
    if actual == chosen:
        return None
    return f"该号码为{actual.label}，请选择对应证件类型"


def normalize_id_number(id_type: IdType | str, value: str, today: date | None = None) -> str:
    """Check an identity document number and return it in stored form.

    Resident IDs, HMT residence permits and foreigners' permanent residence cards get the full
    GB 11643 check (the birth date must lie between 1900-01-01 and `today`, default: today in
    Asia/Shanghai); the 2004 foreigners' card (15 characters) has its own (_OLD_FOREIGN_PR).
    Passports and other documents are free text of 1-30 characters, upper-cased, with runs of
    inner whitespace collapsed to one space.
    """
    try:
        id_type = IdType(id_type)
    except ValueError:
        raise InvalidIdentifier("证件类型无效") from None
    if id_type in (IdType.PASSPORT, IdType.OTHER):
        text = " ".join(unicodedata.normalize("NFKC", value or "").split()).upper()
        if not text:
            raise InvalidIdentifier("请填写证件号码")
        if len(text) > _FREE_TEXT_MAX:
            raise InvalidIdentifier(f"证件号码不能超过{_FREE_TEXT_MAX}个字符")
        return text
    number = _clean(value)
    if not number:
        raise InvalidIdentifier("请填写证件号码")
    if _OLD_FOREIGN_PR.fullmatch(number):
        if id_type is not IdType.FOREIGN_PR:
            raise InvalidIdentifier(
                f"该号码为外国人永久居留证（2004年版），请选择「{IdType.FOREIGN_PR.label}」"
            )
        _check_old_foreign_pr(number, today or dates.today())
        return number
    if id_type is IdType.FOREIGN_PR and len(number) != 18:
        raise InvalidIdentifier("应为18位（2023年版）或15位（2004年版，3个字母加12位数字）")
    _check_gb11643(number, today or dates.today())
    if message := _wrong_type(number, id_type):
        raise InvalidIdentifier(message)
    return number


# --- GB 32100: unified social credit codes ---------------------------------------------------

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(char not in _CREDIT_ALPHABET for char in first17):
        raise InvalidIdentifier("格式不正确")
    total = sum(
        _CREDIT_ALPHABET.index(char) * weight
        for char, weight in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    """Check a unified social credit code (letter-led codes included); return it upper-cased."""
    code = _clean(value)
    if not code:
        raise InvalidIdentifier("请填写统一社会信用代码")
    for char in code:
        if char not in _CREDIT_ALPHABET:
            raise InvalidIdentifier(f"含有非法字符「{char}」")
    if len(code) != 18:
        raise InvalidIdentifier(f"应为18位（当前{len(code)}位）")
    if credit_code_check_char(code[:17]) != code[17]:
        raise InvalidIdentifier("校验位错误")
    return code


# --- Phones ---------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes never start with 00 (that is the international prefix).
_LANDLINE = re.compile(r"(0[1-9]\d{1,2})-?(\d{7,8})")
_PHONE_MESSAGE = "手机号或固定电话格式不正确"


def _split_landline(digits: str) -> tuple[str, str] | None:
    """Split an undashed landline by China's plan: 010 and 02x are 3-digit area codes,
    all others 4-digit. None when the rest is not 7-8 digits."""
    area_length = 3 if digits[:2] in ("01", "02") else 4
    area, local = digits[:area_length], digits[area_length:]
    return (area, local) if 7 <= len(local) <= 8 else None


def normalize_phone(value: str) -> str:
    """Return a mobile as 11 digits, or a landline as 'area-number'.

    Spaces are dropped; mobiles may carry dashes and a +86 / 0086 / 86 prefix. A landline typed
    with a dash or a parenthesised area code keeps the area code as typed (later dashes are
    dropped); an undashed one is split by the numbering plan when that gives a 7-8 digit
    number, otherwise returned as typed.
    """
    text = _clean(value)
    if not text:
        raise InvalidIdentifier("请填写联系电话")
    mobile = text.replace("-", "")
    for prefix in ("+86", "0086", "86"):
        if mobile.startswith(prefix) and len(mobile) == len(prefix) + 11:
            mobile = mobile[len(prefix) :]
            break
    if _MOBILE.fullmatch(mobile):
        return mobile
    text = re.sub(r"^\((\d+)\)-?", r"\1-", text)  # (0757)83312345 -> 0757-83312345
    head, dash, tail = text.partition("-")
    text = head + dash + tail.replace("-", "")  # 0757-8331-2345: only the first dash counts
    match = _LANDLINE.fullmatch(text)
    if not match:
        raise InvalidIdentifier(_PHONE_MESSAGE)
    area, local = match.groups()
    if dash:
        return f"{area}-{local}"
    split = _split_landline(area + local)
    return "-".join(split) if split else area + local


def normalize_practice_certificate(value: str) -> str:
    """A lawyer's practice certificate number: exactly 17 digits, no checksum."""
    number = _clean(value)
    if not re.fullmatch(r"\d{17}", number):
        raise InvalidIdentifier("执业证号应为17位数字")
    return number


# --- Masking for lists and exports (PIPL) ---------------------------------------------------


def _mask_middle(text: str) -> str:
    """Keep the first and last character, never more than half of the text."""
    if len(text) >= 4:
        return text[0] + "*" * (len(text) - 2) + text[-1]
    if len(text) >= 2:
        return text[0] + "*" * (len(text) - 1)
    return "*" * len(text)


def mask_name(name: str | None) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧*: the first character and one star, so length is not told."""
    name = (name or "").strip()
    return (name[:1] + "*") if len(name) > 1 else "*"


def mask_id_number(value: str | None) -> str:
    """440602********1234 for 18-character numbers; first and last character otherwise."""
    text = (value or "").strip()
    if len(text) == 18:
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    return _mask_middle(text)


def mask_phone(value: str | None) -> str:
    """138****5678 for mobiles; area code and last two digits for landlines (0757-******45)."""
    text = "".join((value or "").split())
    try:
        phone = normalize_phone(text)
    except InvalidIdentifier:
        return _mask_middle(text)
    if _MOBILE.fullmatch(phone):
        return phone[:3] + "****" + phone[-4:]
    area, dash, local = phone.partition("-")
    if dash:
        return f"{area}-{'*' * (len(local) - 2)}{local[-2:]}"
    return _mask_middle(phone)


# --- Lookup keys for search ------------------------------------------------------------------

LOOKUP_KINDS = ("id", "phone")


def lookup_key(kind: str, value: str | None) -> str | None:
    """The indexed search key of a stored (already normalised) ID number or phone; None when
    there is no value. Search compares keys for equality only, never parts of a number.

    A keyed hash (HMAC-SHA256 under a key derived from the data key, models.crypto): the value
    itself is stored encrypted, and without the key the hash cannot be tried against the few
    billion possible ID numbers. The kind is hashed too, so an ID number and a phone that happen
    to be equal never share a key.
    """
    if kind not in LOOKUP_KINDS:
        raise ValueError(f"unknown lookup kind {kind!r}")
    text = (value or "").strip()
    return crypto.current().lookup(f"{kind}:{text}") if text else None


def id_number_forms(value: str, today: date | None = None) -> set[str]:
    """Every stored form a typed ID number can have: the GB 11643 types where the number passes
    their check (x in either case), and the free-text form of passports and other documents."""
    forms = set()
    for id_type in IdType:
        try:
            forms.add(normalize_id_number(id_type, value, today))
        except InvalidIdentifier:
            continue
    return forms
