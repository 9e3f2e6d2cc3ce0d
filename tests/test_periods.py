"""Tests of tambon_gis.periods: fiscal years, BE/CE, Thai months and digits, parse_period."""

from __future__ import annotations

import datetime as dt

import pytest

from tambon_gis import periods
from tambon_gis._errors import PeriodError
from tambon_gis.periods import (
    Period,
    fiscal_year,
    fiscal_year_period,
    format_thai_date,
    parse_period,
    quarter,
    quarters_between,
    to_arabic_digits,
    to_be,
    to_ce,
    to_thai_digits,
)

D = dt.date


def test_acceptance_name_returns_start_and_end():
    import tambon_gis

    p = tambon_gis.periods.parse_period("ไตรมาส 1/2566")
    assert (p.start, p.end) == (D(2022, 10, 1), D(2022, 12, 31))
    assert tambon_gis.parse_period is parse_period


def test_be_ce():
    assert to_be(2023) == 2566
    assert to_ce(2566) == 2023
    assert to_ce(to_be(1999)) == 1999


def test_thai_digits_both_ways():
    assert to_arabic_digits("๐๑๒๓๔๕๖๗๘๙") == "0123456789"
    assert to_thai_digits("ปี 2566") == "ปี ๒๕๖๖"
    assert to_thai_digits(2566) == "๒๕๖๖"


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (D(2022, 9, 30), 2565),
        (D(2022, 10, 1), 2566),
        (D(2022, 12, 31), 2566),
        (D(2023, 1, 1), 2566),
        (D(2023, 9, 30), 2566),
        (D(2023, 10, 1), 2567),
        (dt.datetime(2022, 10, 1, 8, 30), 2566),
    ],
)
def test_fiscal_year_boundaries(day, fy):
    assert fiscal_year(day) == fy


def test_fiscal_year_of_text_and_refusal_of_non_days():
    assert fiscal_year("2022-10-01") == 2566
    with pytest.raises(PeriodError, match="expected a single day"):
        fiscal_year("ไตรมาส 1/2566")
    with pytest.raises(PeriodError, match="expected a date"):
        fiscal_year(2566)  # type: ignore[arg-type]


def test_fy2566_and_its_quarters():
    fy = fiscal_year_period(2566)
    assert (fy.start, fy.end) == (D(2022, 10, 1), D(2023, 9, 30))
    qs = fy.quarters()
    assert [(q.start, q.end) for q in qs] == [
        (D(2022, 10, 1), D(2022, 12, 31)),
        (D(2023, 1, 1), D(2023, 3, 31)),
        (D(2023, 4, 1), D(2023, 6, 30)),
        (D(2023, 7, 1), D(2023, 9, 30)),
    ]
    assert sum(q.days for q in qs) == fy.days == 365
    assert all(q in fy for q in qs)
    assert D(2023, 10, 1) not in fy


def test_quarter_refuses_bad_numbers():
    with pytest.raises(PeriodError, match="expected 1, 2, 3 or 4"):
        quarter(2566, 5)
    with pytest.raises(PeriodError, match="out of range"):
        quarter(2023, 1)  # a CE year where BE is expected


QUARTER_1_2566 = [
    "ไตรมาส 1/2566",
    "ไตรมาส ๑/๒๕๖๖",
    "ไตรมาสที่ 1 ปีงบประมาณ 2566",
    "ไตรมาส 1 ปีงบประมาณ พ.ศ. 2566",
    "ไตรมาส 1 ปีงบ 66",
    "Q1 FY2566",
    "q1 fy2566",
    "Q1 FY2023",
    "FY2566 Q1",
    "FY2566-Q1",
    "2566Q1",
    "Q1/2566",
    "1st quarter FY2566",
    "  Q1   FY2566 ",
]


@pytest.mark.parametrize("text", QUARTER_1_2566)
def test_fiscal_quarter_forms(text):
    p = parse_period(text)
    assert p.kind == "quarter"
    assert (p.fiscal_year, p.quarter) == (2566, 1)
    assert (p.start, p.end) == (D(2022, 10, 1), D(2022, 12, 31))


@pytest.mark.parametrize(
    ("text", "fy"),
    [("FY2566", 2566), ("ปีงบประมาณ 2566", 2566), ("ปีงบ 66", 2566), ("FY2023", 2566),
     ("ปีงบประมาณ ๒๕๖๗", 2567)],
)  # fmt: skip
def test_fiscal_year_forms(text, fy):
    p = parse_period(text)
    assert p.kind == "fiscal_year"
    assert p.fiscal_year == fy
    assert p.quarter is None


@pytest.mark.parametrize(
    "text",
    ["ต.ค. 2565", "ตุลาคม ๒๕๖๕", "ตุลาคม 2565", "ต.ค.65", "ตค 65", "ต. ค. 2565", "Oct 2022",
     "October 2022", "oct. 2022", "2022-10", "10/2565", "10/2022", "ต.ค. พ.ศ. 2565"],
)  # fmt: skip
def test_month_forms(text):
    p = parse_period(text)
    assert p.kind == "month"
    assert (p.start, p.end) == (D(2022, 10, 1), D(2022, 10, 31))
    assert (p.fiscal_year, p.quarter) == (2566, 1)


@pytest.mark.parametrize(
    ("abbr", "month"),
    list(zip(periods.THAI_MONTHS_ABBR, range(1, 13), strict=True))
    + list(zip(periods.THAI_MONTHS, range(1, 13), strict=True)),
)
def test_every_thai_month_name_and_abbreviation(abbr, month):
    p = parse_period(f"{abbr} 2566")
    assert p.start == D(2023, month, 1)


def test_february_of_a_leap_year():
    assert parse_period("ก.พ. 2567").end == D(2024, 2, 29)


@pytest.mark.parametrize(
    "text",
    ["2022-10-15", "15 ต.ค. 2565", "๑๕ ตุลาคม ๒๕๖๕", "15/10/2565", "15/10/2022", "15 Oct 2022",
     "10/15/2022"],
)  # fmt: skip
def test_day_forms(text):
    p = parse_period(text)
    assert p.kind == "day"
    assert p.start == p.end == D(2022, 10, 15)
    assert p.fiscal_year == 2566


def test_dates_and_periods_pass_through():
    assert parse_period(D(2023, 1, 2)).kind == "day"
    assert parse_period(dt.datetime(2023, 1, 2, 10)).start == D(2023, 1, 2)
    p = quarter(2566, 3)
    assert parse_period(p) is p


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1/2566", "could be quarter 1 of FY2566 or month 1"),
        ("4/2022", "could be quarter 4 of FY2565 or month 4"),
        ("Q1 2023", "calendar or a fiscal quarter"),
        ("ไตรมาส 1/2023", "calendar or a fiscal quarter"),
        ("2566", "calendar year or a fiscal year"),
        ("2022", "calendar year or a fiscal year"),
        ("03/04/2022", "could be 3 April or 4 March"),
        ("Oct 22", "two-digit year"),
        ("Q1 FY23", "two-digit year"),
        ("15/10/65", "two-digit year"),
        ("10/65", "two-digit year"),
        ("ไตรมาส 5/2566", "quarter 5 does not exist"),
        ("13/2566", "month 13 does not exist"),
        ("31/02/2566", "not a valid date"),
        ("ไตรมาส 1", "expected one year"),
        ("", "empty period"),
        ("hello", "did not understand 'hello'"),
        ("Q1 ต.ค. 2565", "both a quarter and a month"),
        ("ต.ค. FY2566", "names a month and a fiscal year"),
        ("2022 พ.ศ. Q1", "cannot be a BE year"),
        ("Q1 FY3000", "out of range"),
    ],
)
def test_refuses_ambiguous_or_wrong_text_with_a_fix(text, message):
    with pytest.raises(PeriodError, match=message) as info:
        parse_period(text)
    assert repr(text) in str(info.value) or text == ""


def test_ambiguity_messages_offer_both_readings():
    with pytest.raises(PeriodError) as info:
        parse_period("Q1 2023")
    msg = str(info.value)
    assert "'Q1 FY2566'" in msg and "'Q2 FY2566'" in msg  # fiscal Oct–Dec 2022, calendar Jan–Mar
    with pytest.raises(PeriodError) as info:
        parse_period("1/2566")
    assert "'ไตรมาส 1/2566'" in str(info.value) and "'ม.ค. 2566'" in str(info.value)


def test_non_text_is_refused():
    with pytest.raises(PeriodError, match="cannot read a period from 2566"):
        parse_period(2566)  # type: ignore[arg-type]


@pytest.mark.parametrize("p", [quarter(2566, 2), fiscal_year_period(2567),
                               parse_period("ต.ค. 2565"), parse_period("2022-10-15")])  # fmt: skip
def test_code_and_labels_read_back(p: Period):
    assert parse_period(p.code) == p
    assert parse_period(p.label) == p
    assert parse_period(p.label_en) == p


def test_labels():
    q = quarter(2566, 1)
    assert (q.code, q.label, q.label_en) == ("2566Q1", "ไตรมาส 1/2566", "Q1 FY2566")
    m = parse_period("2022-10")
    assert (m.code, m.label, m.label_en) == ("2022-10", "ต.ค. 2565", "Oct 2022")
    assert "ไตรมาส 1/2566" in repr(q)


def test_to_quarter_and_ordering():
    assert parse_period("2023-02-14").to_quarter() == quarter(2566, 2)
    assert quarter(2566, 1) < quarter(2566, 2) < quarter(2567, 1)
    with pytest.raises(PeriodError, match="spans four quarters"):
        fiscal_year_period(2566).to_quarter()


def test_quarters_between_crosses_fiscal_years():
    qs = quarters_between("Q3 FY2566", "Q2 FY2567")
    assert [q.code for q in qs] == ["2566Q3", "2566Q4", "2567Q1", "2567Q2"]
    assert quarters_between("FY2566", "FY2566") == fiscal_year_period(2566).quarters()


def test_format_thai_date():
    assert format_thai_date(D(2022, 10, 15)) == "15 ต.ค. 2565"
    assert format_thai_date(D(2022, 10, 15), full=True, thai_digits=True) == "๑๕ ตุลาคม ๒๕๖๕"
    assert format_thai_date(D(2023, 3, 1), day=False) == "มี.ค. 2566"
