"""id-ID formatting (geo.text): the exact strings people read, at the edges of each rule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from geo.text import date_id, datetime_id, figure, number, percent, rupiah


@pytest.mark.parametrize(("value", "shown"), [
    (0, "0"), (999, "999"), (1000, "1.000"), (1877, "1.877"), (1_234_567, "1.234.567"),
    (-1500, "-1.500"), ("<5", "<5"), (None, "–"), ("", "–"),
])
def test_counts_use_dots_for_thousands(value, shown):
    assert number(value) == shown


def test_decimals_use_a_comma():
    assert number(0.4918, 2) == "0,49"
    assert number(1234.5, 1) == "1.234,5"


@pytest.mark.parametrize(("ratio", "shown"), [
    (0.519, "51,9 %"), (0.51949, "51,9 %"), (0.51951, "52,0 %"), (0, "0,0 %"), (1, "100,0 %"),
    (None, "–"),
])
def test_percent_has_one_decimal_and_a_space(ratio, shown):
    assert percent(ratio) == shown


@pytest.mark.parametrize(("value", "name", "shown"), [
    (0.0766, "p1", "7,66 %"), (0.00357, "p2", "0,36 %"), (0.0049, "p2", "0,49 %"),
    (0.0766, "p0", "7,7 %"), (0.519, "coverage_rate", "51,9 %"), (0.25, "overlap_share", "25,0 %"),
    (1877, "gap", "1.877"), ("<5", "targets", "<5"), (None, "p1", "–"),
])
def test_a_figure_by_its_name_p1_and_p2_with_two_decimals(value, name, shown):
    assert figure(value, name) == shown


def test_rupiah_is_whole_with_dots():
    assert rupiah(147_500_000) == "Rp 147.500.000"
    assert rupiah(0) == "Rp 0"
    assert rupiah(441_448.4) == "Rp 441.448"


@pytest.mark.parametrize(("day", "shown"), [
    (date(2026, 11, 30), "30 Nov 2026"), (date(2026, 5, 3), "3 Mei 2026"),
    (date(2026, 8, 17), "17 Agu 2026"), (date(2026, 12, 31), "31 Des 2026"),
    ("2026-10-01", "1 Okt 2026"), (None, "–"),
])
def test_dates_use_indonesian_month_abbreviations(day, shown):
    assert date_id(day) == shown


@pytest.mark.parametrize(("zone", "shown"), [
    ("Asia/Jakarta", "4 Des 2026 01.16 WIB"),
    ("Asia/Makassar", "4 Des 2026 02.16 WITA"),
    ("Asia/Jayapura", "4 Des 2026 03.16 WIT"),
])
def test_timestamps_show_the_wall_clock_of_their_zone_and_name_it(zone, shown):
    instant = datetime(2026, 12, 3, 18, 16, tzinfo=UTC)  # the UTC date is still the 3rd
    assert datetime_id(instant.astimezone(ZoneInfo(zone))) == shown
    assert datetime_id(None) == "–"
