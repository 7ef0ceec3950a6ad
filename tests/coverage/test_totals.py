"""Totals of a table (geo.coverage.totals): sums of counts, the rate of the sums, FGT weighted
by persons."""

from __future__ import annotations

import pytest

from geo.coverage import fgt_total, total_row


def test_total_sums_counts_and_recomputes_the_rate():
    rows = [{"kode": "a", "targets": 10, "covered": 4, "gap": 6, "overlap": 1, "leakage": 3,
             "coverage_rate": 0.4},
            {"kode": "b", "targets": 5, "covered": 5, "gap": 0, "overlap": 0, "leakage": 0,
             "coverage_rate": 1.0}]
    total = total_row(rows)
    assert total["kode"] is None and total["nama"] == "Jumlah"
    assert (total["targets"], total["covered"], total["gap"], total["overlap"],
            total["leakage"]) == (15, 9, 6, 1, 3)
    assert total["coverage_rate"] == pytest.approx(9 / 15)  # not the mean of 0.4 and 1.0
    assert total["leakage_households"] == 0


def test_total_of_no_rows_has_no_rate():
    total = total_row([], "Total")
    assert total["nama"] == "Total" and total["targets"] == total["covered"] == 0
    assert total["coverage_rate"] is None


def test_fgt_of_areas_is_weighted_by_persons():
    rows = [{"p0": 0.5, "p1": 0.2, "p2": 0.1, "persons": 100, "households": 30,
             "households_without_expenditure": 2},
            {"p0": 0.0, "p1": 0.0, "p2": 0.0, "persons": 300, "households": 70,
             "households_without_expenditure": 0}]
    total = fgt_total(rows)
    assert total["p0"] == pytest.approx(50 / 400)
    assert total["p1"] == pytest.approx(20 / 400)
    assert (total["persons"], total["households"],
            total["households_without_expenditure"]) == (400, 100, 2)
    assert fgt_total([])["p0"] is None
