"""Identifier checks: GB 11643 ID numbers, GB 32100 credit codes, phones, certificates, masks."""

from datetime import date

import pytest

from mediation.identifiers import (
    IdType,
    InvalidIdentifier,
    credit_code_check_char,
    mask_id_number,
    mask_phone,
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
    normalize_practice_certificate,
    resident_id_check_char,
)

TODAY = date(2024, 6, 1)
KNOWN_VALID = "11010519491231002X"  # the standard's own example


def make_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def with_wrong_check(number: str) -> str:
    wrong = next(char for char in "0123456789X" if char != number[-1])
    return number[:-1] + wrong


def error_of(func, *args, **kwargs) -> str:
    with pytest.raises(InvalidIdentifier) as caught:
        func(*args, **kwargs)
    return str(caught.value)


# --- GB 11643 ---------------------------------------------------------------------------------


def test_check_char_matches_known_samples():
    assert resident_id_check_char(KNOWN_VALID[:17]) == "X"
    assert resident_id_check_char("44060219900101123") == "7"
    assert make_id("44060219900101123") == "440602199001011237"


def test_check_char_rejects_bad_input():
    assert error_of(resident_id_check_char, "4406021990010112") == "格式不正确"
    assert error_of(resident_id_check_char, "4406021990010112A") == "格式不正确"


def test_resident_id_accepted_and_normalised():
    assert normalize_id_number(IdType.RESIDENT, KNOWN_VALID, today=TODAY) == KNOWN_VALID
    assert normalize_id_number("resident", "11010519491231002x", today=TODAY) == KNOWN_VALID
    assert normalize_id_number("resident", " 440602 19900101 1237 ", today=TODAY) == (
        "440602199001011237"
    )
    # full-width digits typed with a Chinese input method
    assert normalize_id_number("resident", "４４０６０２１９９００１０１１２３７", today=TODAY) == (
        "440602199001011237"
    )


def test_resident_id_default_today_is_used():
    assert normalize_id_number(IdType.RESIDENT, KNOWN_VALID) == KNOWN_VALID


def test_resident_id_wrong_check_char():
    assert error_of(normalize_id_number, "resident", with_wrong_check(KNOWN_VALID)) == "校验位错误"
    # one digit altered, check char unchanged
    assert error_of(normalize_id_number, "resident", "440602199001011337") == "校验位错误"


def test_resident_id_wrong_length_or_characters():
    assert error_of(normalize_id_number, "resident", "44060219900101123") == "应为18位"
    assert error_of(normalize_id_number, "resident", "4406021990010112377") == "应为18位"
    assert error_of(normalize_id_number, "resident", "44060219900101123A") == "格式不正确"
    assert error_of(normalize_id_number, "resident", "4406021990010X1237") == "格式不正确"
    assert error_of(normalize_id_number, "resident", "   ") == "请填写证件号码"


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900100", "18991231"])
def test_resident_id_impossible_birth_date(birth):
    number = make_id("440602" + birth + "123")  # valid check char: only the date is wrong
    assert error_of(normalize_id_number, "resident", number, today=TODAY) == "出生日期无效"


def test_resident_id_birth_date_bounds():
    on_today = make_id("440602" + "20240601" + "123")
    tomorrow = make_id("440602" + "20240602" + "123")
    earliest = make_id("440602" + "19000101" + "123")
    assert normalize_id_number("resident", on_today, today=TODAY) == on_today
    assert normalize_id_number("resident", earliest, today=TODAY) == earliest
    assert error_of(normalize_id_number, "resident", tomorrow, today=TODAY) == "出生日期无效"


def test_hmt_permit():
    permit = make_id("810000" + "19850315" + "004")
    assert normalize_id_number(IdType.HMT_PERMIT, permit, today=TODAY) == permit
    for prefix in ("820000", "830000"):
        other = make_id(prefix + "19850315" + "004")
        assert normalize_id_number("hmt_permit", other, today=TODAY) == other
    assert error_of(normalize_id_number, "resident", permit, today=TODAY) == (
        "该号码为港澳台居民居住证，请选择对应证件类型"
    )
    assert error_of(normalize_id_number, "hmt_permit", KNOWN_VALID, today=TODAY) == (
        "该号码为居民身份证，请选择对应证件类型"
    )
    assert error_of(normalize_id_number, "hmt_permit", with_wrong_check(permit)) == "校验位错误"


def test_81_prefix_without_0000_is_not_a_permit():
    number = make_id("811234" + "19850315" + "004")
    assert normalize_id_number("resident", number, today=TODAY) == number
    assert "居民身份证" in error_of(normalize_id_number, "hmt_permit", number, today=TODAY)


def test_foreign_permanent_residence_card():
    card = make_id("931586" + "19800704" + "001")
    assert normalize_id_number(IdType.FOREIGN_PR, card, today=TODAY) == card
    assert error_of(normalize_id_number, "resident", card, today=TODAY) == (
        "该号码为外国人永久居留身份证，请选择对应证件类型"
    )
    assert error_of(normalize_id_number, "foreign_pr", KNOWN_VALID, today=TODAY) == (
        "该号码为居民身份证，请选择对应证件类型"
    )
    assert error_of(normalize_id_number, "foreign_pr", with_wrong_check(card)) == "校验位错误"


def test_passport_and_other_are_free_text():
    assert normalize_id_number(IdType.PASSPORT, "  e12345678 ") == "E12345678"
    assert normalize_id_number("other", "军官证  第 123 号") == "军官证 第 123 号"
    assert normalize_id_number("other", "A" * 30) == "A" * 30
    assert error_of(normalize_id_number, "passport", "  ") == "请填写证件号码"
    assert error_of(normalize_id_number, "other", "A" * 31) == "证件号码不能超过30个字符"


def test_unknown_id_type():
    assert error_of(normalize_id_number, "driving_licence", KNOWN_VALID) == "证件类型无效"


def test_id_type_labels_and_values():
    assert IdType("resident") is IdType.RESIDENT
    assert IdType.RESIDENT == "resident"
    assert [member.label for member in IdType] == [
        "居民身份证",
        "港澳台居民居住证",
        "外国人永久居留身份证",
        "护照",
        "其他证件",
    ]


def test_invalid_identifier_is_a_value_error():
    assert issubclass(InvalidIdentifier, ValueError)


# --- GB 32100 ---------------------------------------------------------------------------------

VALID_CODES = ["91110108551385082Q", "91512081MA62K0260E", "91110000600037341L"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_credit_code_valid_samples(code):
    assert credit_code_check_char(code[:17]) == code[-1]
    assert normalize_credit_code(code) == code
    assert normalize_credit_code(f"  {code.lower()} ") == code


def test_credit_code_letter_led_codes_are_valid():
    for first17 in ("N2440600MJ0000001", "Y1440606MA5AAAAA0", "A1000000000000000"):
        code = first17 + credit_code_check_char(first17)
        assert normalize_credit_code(code) == code


def test_credit_code_check_char_that_is_zero():
    # (31 - 0) % 31 == 0: a weighted sum divisible by 31 gives check char "0", not index 31
    assert credit_code_check_char("0" * 17) == "0"
    assert normalize_credit_code("0" * 18) == "0" * 18


def test_credit_code_wrong_check_char():
    for code in VALID_CODES:
        wrong = "0" if code[-1] != "0" else "1"
        assert error_of(normalize_credit_code, code[:-1] + wrong) == "校验位错误"
    # one character altered in the body
    assert error_of(normalize_credit_code, "91110108551385083Q") == "校验位错误"


def test_credit_code_wrong_length():
    assert error_of(normalize_credit_code, "91110108551385082") == "应为18位（当前17位）"
    assert error_of(normalize_credit_code, "91110108551385082QQ") == "应为18位（当前19位）"
    assert error_of(normalize_credit_code, "") == "请填写统一社会信用代码"


@pytest.mark.parametrize("char", ["I", "O", "S", "V", "Z"])
def test_credit_code_illegal_letters_are_named(char):
    code = "91110108551385082" + char
    assert error_of(normalize_credit_code, code) == f"含有非法字符「{char}」"
    assert error_of(normalize_credit_code, code.lower()) == f"含有非法字符「{char}」"


def test_credit_code_other_illegal_characters():
    assert error_of(normalize_credit_code, "9111010855138508-Q") == "含有非法字符「-」"
    assert error_of(normalize_credit_code, "公司") == "含有非法字符「公」"
    assert error_of(credit_code_check_char, "9111010855138508O") == "格式不正确"


# --- Phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        " 138 1234 5678 ",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086-138-1234-5678",
        "8613812345678",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_normalised(typed):
    assert normalize_phone(typed) == "13812345678"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0757-83312345", "0757-83312345"),
        ("075783312345", "0757-83312345"),
        ("0757 8331 2345", "0757-83312345"),
        ("0757-8331-2345", "0757-83312345"),
        ("(0757)83312345", "0757-83312345"),
        ("（0757）83312345", "0757-83312345"),
        ("02083312345", "020-83312345"),
        ("01087654321", "010-87654321"),
        ("0757-8331234", "0757-8331234"),
        # 03xx is a 4-digit area code, which leaves 6 digits: no safe split, kept as typed
        ("0312345678", "0312345678"),
    ],
)
def test_landline_normalised(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12812345678",  # second digit 2
        "23812345678",
        "+85213812345678",  # not a Chinese mobile
        "861381234567",  # 86 + 10 digits
        "0757-123456",  # local part too short
        "0757-123456789",  # too long
        "00861234567",  # 00 is not an area code
        "(0757",
        "phone",
    ],
)
def test_bad_phones(typed):
    assert error_of(normalize_phone, typed) == "手机号或固定电话格式不正确"


def test_empty_phone():
    assert error_of(normalize_phone, "  ") == "请填写联系电话"


# --- Practice certificates --------------------------------------------------------------------


def test_practice_certificate():
    assert normalize_practice_certificate(" 14406201910123456 ") == "14406201910123456"
    for bad in ("1440620191012345", "144062019101234567", "1440620191012345A", ""):
        assert error_of(normalize_practice_certificate, bad) == "执业证号应为17位数字"


# --- Masking ----------------------------------------------------------------------------------


def test_mask_id_number():
    assert mask_id_number("440602199001011234") == "440602********1234"
    assert mask_id_number(KNOWN_VALID) == "110105********002X"
    assert mask_id_number("E12345678") == "E*******8"
    assert mask_id_number("ABCD") == "A**D"
    assert mask_id_number("ABC") == "A**"
    assert mask_id_number("AB") == "A*"
    assert mask_id_number("A") == "*"
    assert mask_id_number("") == ""
    assert mask_id_number(None) == ""


def test_free_text_mask_never_reveals_more_than_half():
    for length in [*range(1, 18), *range(19, 31)]:  # 18 characters follow the 6+4 rule
        masked = mask_id_number("7" * length)
        assert len(masked) == length
        assert masked.count("7") <= length / 2


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("0757-83312345") == "0757-******45"
    assert mask_phone("075783312345") == "0757-******45"
    assert mask_phone("010-8765432") == "010-*****32"
    assert mask_phone("0312345678") == "0********8"
    assert mask_phone("garbage") == "g*****e"
    assert mask_phone("") == ""
    assert mask_phone(None) == ""


def test_the_2004_foreigners_permanent_residence_card_is_accepted_under_its_own_type():
    # nationality KAZ, issued in Beijing (1100), born 1990-12-31, serial 0, ICAO check digit 5
    card = "KAZ110090123105"
    assert normalize_id_number(IdType.FOREIGN_PR, " kaz 110090123105", today=TODAY) == card
    assert error_of(normalize_id_number, "resident", card, today=TODAY) == (
        "该号码为外国人永久居留证（2004年版），请选择「外国人永久居留身份证」"
    )
    assert error_of(normalize_id_number, "foreign_pr", card[:-1] + "4", today=TODAY) == "校验位错误"
    # 1999-02-30 and 2099-02-30 do not exist
    assert error_of(normalize_id_number, "foreign_pr", "KAZ110099023005", today=TODAY) == (
        "出生日期无效"
    )
    assert "15位" in error_of(normalize_id_number, "foreign_pr", "KAZ1100901231", today=TODAY)
