"""The total of a table of coverage or poverty rows, computed from the unsuppressed rows (the
caller suppresses the total like any row): counts add up because every household lies in
exactly one kelurahan; rates are recomputed from the summed counts, FGT indices weighted by
persons (they are person-weighted means)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from geo.coverage.rules import rate

ADDITIVE = ("targets", "covered", "overlap", "overlap_agency", "gap", "leakage",
            "leakage_households")
FGT = ("p0", "p1", "p2")
FGT_COUNTS = ("persons", "households", "households_without_expenditure")


def total_row(rows: Iterable[Mapping[str, Any]], label: str = "Jumlah") -> dict[str, Any]:
    """``{"kode": None, "nama": label, <each count summed>, "coverage_rate": covered/targets}``
    (no rows: every count 0, no rate)."""
    rows = list(rows)
    out: dict[str, Any] = {"kode": None, "nama": label}
    for key in ADDITIVE:
        out[key] = sum(int(r.get(key) or 0) for r in rows)
    out["coverage_rate"] = rate(out["covered"], out["targets"])
    return out


def fgt_total(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """P0/P1/P2 of the union of the rows' areas (person-weighted), and their counts summed."""
    rows = list(rows)
    out: dict[str, Any] = {key: sum(int(r.get(key) or 0) for r in rows) for key in FGT_COUNTS}
    persons = out["persons"]
    for index in FGT:
        out[index] = (sum(float(r[index] or 0) * int(r["persons"] or 0) for r in rows) / persons
                      if persons else None)
    return out
