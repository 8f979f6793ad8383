"""Tests for ksz_client.ssin (SPEC.md section 6)."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ksz_client import ssin
from ksz_client._exceptions import InvalidSsin, ValidationError
from ksz_client.ssin import Gender, Ssin, SsinKind

SPEC_EXAMPLE = "85073003328"
# Non-ASCII digits: str.isdigit() and int() accept them, the validator must not.
FULLWIDTH_EXAMPLE = "".join(chr(0xFF10 + int(c)) for c in SPEC_EXAMPLE)
ARABIC_INDIC_EXAMPLE = "".join(chr(0x0660 + int(c)) for c in SPEC_EXAMPLE)


def with_check(base9: str, century: int = 1900) -> str:
    """Append check digits to a 9-digit YYMMDDSSS, written independently of the module."""
    assert len(base9) == 9
    number = int(base9) + (2_000_000_000 if century == 2000 else 0)
    return f"{base9}{97 - number % 97:02d}"


def assert_no_leak(message: str, digits: str) -> None:
    """No run of 3 digits of the number appears in the message."""
    for i in range(len(digits) - 2):
        window = digits[i : i + 3]
        if window.isascii() and window.isdigit():
            assert window not in message, (message, i)


# --- the SPEC example ----------------------------------------------------------


def test_spec_example_check_digits_by_hand() -> None:
    # 850730033 mod 97 = 69, and 97 - 69 = 28: the last two digits.
    assert 850730033 % 97 == 69
    assert ssin.is_valid(SPEC_EXAMPLE)


def test_spec_example_properties() -> None:
    s = ssin.validate(SPEC_EXAMPLE)
    assert type(s) is Ssin
    assert s == SPEC_EXAMPLE
    assert s.kind is SsinKind.NATIONAL
    assert s.birth_date == datetime.date(1985, 7, 30)
    assert s.birth_year == 1985
    assert s.gender is Gender.MALE  # counter 033 is odd
    assert s.formatted == "85.07.30-033.28"


@pytest.mark.parametrize(
    "written",
    [
        "85073003328",
        "85.07.30-033.28",
        "850730 033-28",
        "85 07 30 033 28",
        "  85.07.30-033.28\n",
        "\t850730 033-28 ",
    ],
)
def test_accepted_written_forms(written: str) -> None:
    s = ssin.validate(written)
    assert s == SPEC_EXAMPLE
    assert type(s) is Ssin
    assert ssin.is_valid(written)


def test_module_functions() -> None:
    assert ssin.compact(" 85.07.30-033.28 ") == SPEC_EXAMPLE
    assert ssin.compact("850730 033-28") == SPEC_EXAMPLE
    assert ssin.compact("junk") == "junk"  # compact does not validate
    assert ssin.format(SPEC_EXAMPLE) == "85.07.30-033.28"
    assert ssin.format("850730 033-28") == "85.07.30-033.28"
    assert ssin.birth_date(SPEC_EXAMPLE) == datetime.date(1985, 7, 30)
    assert ssin.gender(SPEC_EXAMPLE) is Gender.MALE
    assert ssin.kind(SPEC_EXAMPLE) is SsinKind.NATIONAL


def test_all_is_complete() -> None:
    for name in ssin.__all__:
        assert hasattr(ssin, name), name
    assert {"Ssin", "SsinKind", "Gender", "make", "mask", "validate"} <= set(ssin.__all__)


def test_enum_values() -> None:
    assert str(Gender.MALE) == "M" and str(Gender.FEMALE) == "F"
    assert [k.value for k in SsinKind] == ["national", "bis", "test"]


# --- centuries, kinds, genders, unknown dates ---------------------------------


def test_birth_from_2000_uses_the_2_prefix() -> None:
    number = with_check("050101124", 2000)
    s = ssin.validate(number)
    assert s.birth_year == 2005
    assert s.birth_date == datetime.date(2005, 1, 1)
    assert s.gender is Gender.FEMALE
    # The same digits with 1900-style check digits are a different, 1905 number.
    old = ssin.validate(with_check("050101124", 1900))
    assert old.birth_year == 1905
    assert old[9:] != s[9:]


def test_two_centuries_never_match_at_once() -> None:
    # If 2e9 were a multiple of 97 both centuries would always match.
    assert 2_000_000_000 % 97 == 68


def test_leap_day_depends_on_the_century_found() -> None:
    assert ssin.birth_date(with_check("000229001", 2000)) == datetime.date(2000, 2, 29)
    with pytest.raises(InvalidSsin, match=r"^the birth date does not exist on the calendar$"):
        ssin.validate(with_check("000229001", 1900))  # 1900 was not a leap year


def test_ordinary_leap_year() -> None:
    assert ssin.birth_date(with_check("840229033")) == datetime.date(1984, 2, 29)
    assert ssin.birth_date(with_check("842229033")) == datetime.date(1984, 2, 29)  # BIS


def test_bis_gender_unknown() -> None:
    s = ssin.validate(with_check("852730033"))  # month 07 + 20
    assert s.kind is SsinKind.BIS
    assert s.gender is None
    assert s.birth_date == datetime.date(1985, 7, 30)


@pytest.mark.parametrize(("counter", "expected"), [("033", Gender.MALE), ("034", Gender.FEMALE)])
def test_bis_gender_known(counter: str, expected: Gender) -> None:
    s = ssin.validate(with_check(f"854730{counter}"))  # month 07 + 40
    assert s.kind is SsinKind.BIS
    assert s.gender is expected
    assert s.birth_date == datetime.date(1985, 7, 30)


def test_bis_counter_000_is_allowed() -> None:
    assert ssin.kind(with_check("854730000")) is SsinKind.BIS


@pytest.mark.parametrize(
    "base9",
    [
        "850000033",  # month and day unknown
        "850700033",  # day unknown
        "850030033",  # month unknown, day known
        "852000033",  # BIS, unknown month
        "854000034",  # BIS, gender known, unknown month
    ],
)
def test_unknown_month_or_day(base9: str) -> None:
    s = ssin.validate(with_check(base9))
    assert s.birth_date is None
    assert s.birth_year == 1985


def test_test_numbers_rejected_by_default() -> None:
    number = with_check("856730033")  # month 07 + 60
    assert not ssin.is_valid(number)
    with pytest.raises(
        InvalidSsin, match=r"^test numbers are not accepted unless allow_test=True$"
    ):
        ssin.validate(number)
    with pytest.raises(InvalidSsin):
        Ssin(number)
    with pytest.raises(InvalidSsin):
        ssin.kind(number)


def test_test_numbers_accepted_when_asked() -> None:
    number = with_check("856730034")
    s = ssin.validate(number, allow_test=True)
    assert ssin.is_valid(number, allow_test=True)
    assert s.kind is SsinKind.TEST
    assert s.gender is Gender.FEMALE
    assert s.birth_date == datetime.date(1985, 7, 30)
    assert ssin.kind(number, allow_test=True) is SsinKind.TEST
    assert ssin.birth_date(number, allow_test=True) == datetime.date(1985, 7, 30)
    assert ssin.gender(number, allow_test=True) is Gender.FEMALE
    # format never rejects a test number: it checks the shape only.
    assert ssin.format(number) == s.formatted
    # month 60 is a test number with unknown month
    assert ssin.validate(with_check("856000001"), allow_test=True).birth_date is None


def test_an_ssin_instance_is_rechecked_for_the_test_policy() -> None:
    test_number = Ssin(with_check("856730033"), allow_test=True)
    assert ssin.is_valid(test_number, allow_test=True)
    assert not ssin.is_valid(test_number)
    with pytest.raises(InvalidSsin, match="test numbers"):
        ssin.validate(test_number)
    with pytest.raises(InvalidSsin, match="test numbers"):
        Ssin(test_number)
    national = Ssin(SPEC_EXAMPLE)
    assert Ssin(national) is national
    assert ssin.validate(national) is national
    assert ssin.is_valid(national)


# --- each error message -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("850730033", "expected 11 digits, got 9"),
        ("850730033281", "expected 11 digits, got 12"),
        ("", "expected 11 digits, got 0"),
        ("   ", "expected 11 digits, got 0"),
        ("85.07.30-033", "expected 11 digits, got 9"),
        ("85O73003328", "contains a character that is not a digit or a separator"),
        ("85073003328x", "contains a character that is not a digit or a separator"),
        ("850730\t03328", "contains a character that is not a digit or a separator"),
        (FULLWIDTH_EXAMPLE, "contains a character that is not a digit or a separator"),
        (ARABIC_INDIC_EXAMPLE, "contains a character that is not a digit or a separator"),
        ("850.73003328", "separators are only allowed between the groups YY.MM.DD-SSS.CC"),
        ("85..07.30-033.28", "separators are only allowed between the groups YY.MM.DD-SSS.CC"),
        ("85.07.30-03.328", "separators are only allowed between the groups YY.MM.DD-SSS.CC"),
        ("850730 -033-28", "separators are only allowed between the groups YY.MM.DD-SSS.CC"),
        ("85.07.30-033..28", "separators are only allowed between the groups YY.MM.DD-SSS.CC"),
        ("85073003329", "check digits do not match"),
        ("85073003300", "check digits do not match"),
    ],
)
def test_error_messages(value: str, message: str) -> None:
    with pytest.raises(InvalidSsin) as info:
        ssin.validate(value)
    assert str(info.value).startswith(message)
    assert not ssin.is_valid(value)
    assert_no_leak(str(info.value), ssin.compact(value))


@pytest.mark.parametrize("month", [13, 19, 33, 39, 53, 59, 73, 79, 80, 99])
def test_month_out_of_range(month: int) -> None:
    number = with_check(f"85{month:02d}30033")
    with pytest.raises(InvalidSsin, match=rf"^month {month} is out of range \(") as info:
        ssin.validate(number, allow_test=True)
    assert_no_leak(str(info.value), number)


@pytest.mark.parametrize("day", [32, 40, 99])
def test_day_out_of_range(day: int) -> None:
    number = with_check(f"8507{day:02d}033")
    with pytest.raises(InvalidSsin, match=rf"^day {day} is out of range \("):
        ssin.validate(number)


@pytest.mark.parametrize("base9", ["850431033", "850230033", "850229033", "852431033", "856931001"])
def test_date_not_on_calendar(base9: str) -> None:
    with pytest.raises(InvalidSsin, match=r"^the birth date does not exist on the calendar$"):
        ssin.validate(with_check(base9), allow_test=True)


@pytest.mark.parametrize("counter", ["000", "999"])
def test_national_counter_000_and_999(counter: str) -> None:
    number = with_check(f"850730{counter}")
    with pytest.raises(InvalidSsin, match=r"^the counter of a national number cannot") as info:
        ssin.validate(number)
    assert_no_leak(str(info.value), number)
    # Only national numbers: the same counter is fine for BIS and test numbers.
    assert ssin.is_valid(with_check(f"854730{counter}"))
    assert ssin.is_valid(with_check(f"856730{counter}"), allow_test=True)


@pytest.mark.parametrize("value", [85073003328, None, b"85073003328", ["85073003328"]])
def test_non_string_is_invalid_not_a_crash(value: object) -> None:
    assert not ssin.is_valid(value)  # type: ignore[arg-type]
    with pytest.raises(InvalidSsin, match=r"^expected a str, got "):
        ssin.validate(value)  # type: ignore[arg-type]


def test_invalid_ssin_is_a_value_error_without_chained_cause() -> None:
    with pytest.raises(ValueError) as info:
        ssin.validate("85O73003328")
    assert isinstance(info.value, ValidationError)
    assert info.value.__cause__ is None
    assert info.value.__context__ is None
    assert "85" not in str(info.value) and "O7" not in str(info.value)


def test_format_rejects_what_is_not_eleven_digits() -> None:
    with pytest.raises(InvalidSsin, match=r"^expected 11 digits, got 3$"):
        ssin.format("123")
    with pytest.raises(InvalidSsin, match=r"^contains a character"):
        ssin.format("8507300332x")


# --- make -------------------------------------------------------------------


def test_make_examples() -> None:
    assert ssin.make(datetime.date(1985, 7, 30), 33) == SPEC_EXAMPLE
    bis = ssin.make(datetime.date(1985, 7, 30), 33, kind=SsinKind.BIS, gender_known=False)
    assert bis == with_check("852730033")
    assert ssin.make(None, 2, kind=SsinKind.TEST, birth_year=2003) == with_check("036000002", 2000)
    assert ssin.make(datetime.date(2001, 1, 1), 5, birth_year=2001).birth_year == 2001


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"birth": None, "counter": 1}, "^birth_year is required when birth is None$"),
        (
            {"birth": datetime.date(1985, 7, 30), "counter": 1, "birth_year": 1986},
            "^birth_year does not agree with birth$",
        ),
        ({"birth": datetime.date(1899, 12, 31), "counter": 1}, "^the birth year must be between"),
        ({"birth": None, "counter": 1, "birth_year": 2100}, "^the birth year must be between"),
        ({"birth": None, "counter": -1, "birth_year": 1990}, "^the counter must be between"),
        ({"birth": None, "counter": 1000, "birth_year": 1990}, "^the counter must be between"),
        (
            {"birth": None, "counter": 1, "birth_year": 1990, "gender_known": False},
            "^gender_known=False is only possible for BIS numbers$",
        ),
        (
            {
                "birth": None,
                "counter": 1,
                "birth_year": 1990,
                "gender_known": False,
                "kind": SsinKind.TEST,
            },
            "^gender_known=False is only possible for BIS numbers$",
        ),
        ({"birth": None, "counter": 0, "birth_year": 1990}, "^the counter of a national number"),
        ({"birth": None, "counter": 999, "birth_year": 1990}, "^the counter of a national number"),
    ],
)
def test_make_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidSsin, match=message):
        ssin.make(**kwargs)  # type: ignore[arg-type]


# --- str subclass, repr, pickling ---------------------------------------------


def test_ssin_is_a_plain_string_on_the_wire() -> None:
    s = Ssin("85.07.30-033.28")
    assert isinstance(s, str)
    assert s == SPEC_EXAMPLE and hash(s) == hash(SPEC_EXAMPLE)
    assert str(s) == SPEC_EXAMPLE and type(str(s)) is str
    assert f"{s}" == SPEC_EXAMPLE
    assert json.dumps({"ssin": s}) == '{"ssin": "85073003328"}'


def test_repr_is_redacted() -> None:
    s = Ssin(SPEC_EXAMPLE)
    assert repr(s) == "Ssin('*********28')"

    @dataclasses.dataclass(frozen=True)
    class Person:
        ssin: Ssin

    text = repr(Person(s))
    assert "Ssin('*********28')" in text
    assert_no_leak(text, SPEC_EXAMPLE)
    assert_no_leak(repr([s, {"k": s}]), SPEC_EXAMPLE)


def test_mask() -> None:
    assert ssin.mask(SPEC_EXAMPLE) == "*********28"
    assert ssin.mask(" 85.07.30-033.28 ") == "*********28"
    assert ssin.mask("123") == "***********"
    assert ssin.mask("850730033x8") == "***********"
    assert ssin.mask(None) == "***********"  # type: ignore[arg-type]


def test_ssin_is_immutable() -> None:
    s = Ssin(SPEC_EXAMPLE)
    with pytest.raises(AttributeError):
        s.extra = 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("number", [SPEC_EXAMPLE, with_check("856730033")])
def test_pickle_and_copy_round_trip(number: str) -> None:
    s = Ssin(number, allow_test=True)
    for clone in (
        pickle.loads(pickle.dumps(s)),
        copy.copy(s),
        copy.deepcopy(s),
    ):
        assert clone == s
        assert type(clone) is Ssin
        assert clone.kind is s.kind


# --- property-based -----------------------------------------------------------


@st.composite
def ssin_parts(
    draw: st.DrawFn,
) -> tuple[datetime.date | None, int, int, SsinKind, bool]:
    """(birth or None, birth_year, counter, kind, gender_known) that make() must accept."""
    birth = draw(
        st.none()
        | st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31))
    )
    year = birth.year if birth else draw(st.integers(1900, 2099))
    kind = draw(st.sampled_from(SsinKind))
    gender_known = draw(st.booleans()) if kind is SsinKind.BIS else True
    low, high = (1, 998) if kind is SsinKind.NATIONAL else (0, 999)
    counter = draw(st.integers(low, high))
    return birth, year, counter, kind, gender_known


@given(ssin_parts())
def test_make_round_trip(parts: tuple[datetime.date | None, int, int, SsinKind, bool]) -> None:
    birth, year, counter, kind, gender_known = parts
    s = ssin.make(
        birth,
        counter,
        kind=kind,
        gender_known=gender_known,
        birth_year=None if birth else year,
    )
    assert type(s) is Ssin
    assert len(s) == 11 and s.isdigit()
    assert s.kind is kind
    assert s.birth_date == birth
    assert s.birth_year == year
    if kind is SsinKind.BIS and not gender_known:
        assert s.gender is None
    else:
        assert s.gender is (Gender.MALE if counter % 2 else Gender.FEMALE)
    assert int(s[6:9]) == counter

    assert ssin.validate(s, allow_test=True) == s
    assert ssin.is_valid(s, allow_test=True)
    assert ssin.is_valid(s) is (kind is not SsinKind.TEST)
    assert ssin.format(s) == s.formatted
    assert ssin.compact(s.formatted) == s
    assert ssin.validate(s.formatted, allow_test=True) == s
    assert ssin.validate(f" {s[:6]} {s[6:9]}-{s[9:]} ", allow_test=True) == s
    assert ssin.validate(str(s), allow_test=True).birth_date == birth

    assert repr(s) == f"Ssin('*********{s[9:]}')"
    assert_no_leak(repr(s), s)


def test_single_digit_errors_arithmetic() -> None:
    # A change of d at 10**k in YYMMDDSSS keeps the check digits valid only if
    # d * 10**k is 0 mod 97 (same century: never, 97 is prime) or congruent to
    # -68 / +68 (the other century). Only the year's last digit +-6 does that.
    escapes = [
        (k, d) for k in range(9) for d in range(-9, 10) if d and (d * 10**k) % 97 in (0, 29, 68)
    ]
    assert escapes == [(7, -6), (7, 6)]


def test_the_one_single_digit_error_mod_97_misses() -> None:
    # 1985 -> 2079: same check digits, other century; documented in the module.
    other = ssin.validate("79073003328")
    assert other.birth_year == 2079
    assert ssin.validate(SPEC_EXAMPLE).birth_year == 1985


@given(ssin_parts())
def test_any_single_digit_change_is_caught(
    parts: tuple[datetime.date | None, int, int, SsinKind, bool],
) -> None:
    birth, year, counter, kind, gender_known = parts
    s = ssin.make(
        birth, counter, kind=kind, gender_known=gender_known, birth_year=None if birth else year
    )
    for position in range(11):
        for digit in "0123456789":
            if digit == s[position]:
                continue
            mutant = s[:position] + digit + s[position + 1 :]
            if not ssin.is_valid(mutant, allow_test=True):
                continue
            # The only escape: last year digit moved by 6 and the century flipped.
            assert position == 1, (position, digit)
            assert abs(int(digit) - int(s[1])) == 6
            flipped = ssin.validate(mutant, allow_test=True)
            assert flipped.birth_year // 100 != s.birth_year // 100


@given(ssin_parts(), st.integers(1, 96))
def test_check_digit_changes_are_always_caught(
    parts: tuple[datetime.date | None, int, int, SsinKind, bool], shift: int
) -> None:
    birth, year, counter, kind, gender_known = parts
    s = ssin.make(
        birth, counter, kind=kind, gender_known=gender_known, birth_year=None if birth else year
    )
    other_check = (int(s[9:]) - 1 + shift) % 97 + 1  # any other value in 1..97
    mutant = f"{s[:9]}{other_check:02d}"
    # Only the other century's value (which differs by 68 or 29) can still pass.
    if ssin.is_valid(mutant, allow_test=True):
        assert abs(other_check - int(s[9:])) in (29, 68)
        assert ssin.validate(mutant, allow_test=True).birth_year != s.birth_year
    assert not ssin.is_valid(f"{s[:9]}00", allow_test=True)


@given(st.text(max_size=40))
def test_arbitrary_text_never_crashes_and_never_leaks(text: str) -> None:
    valid = ssin.is_valid(text, allow_test=True)
    try:
        result = ssin.validate(text, allow_test=True)
    except InvalidSsin as exc:
        assert not valid
        assert_no_leak(str(exc), ssin.compact(text))
        assert_no_leak(str(exc), text)
    else:
        assert valid
        assert result == ssin.compact(text)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_random_digits_messages_never_leak(digits: str) -> None:
    try:
        ssin.validate(digits)
    except InvalidSsin as exc:
        message = str(exc)
        assert_no_leak(message, digits)
        # At most the two month or day digits, in the month/day messages.
        assert not re.search(r"[0-9]{3}", message)
        assert not ssin.is_valid(digits)
    else:
        assert ssin.is_valid(digits)
