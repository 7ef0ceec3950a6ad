"""Coverage and poverty definitions (domain.md), pure: levels, segment SQL fragments, FGT,
small-number suppression. No database access here; ``app.services.coverage.figures`` runs the SQL.

Definitions on a reference date D and desil threshold k:
- target: ``status_verifikasi = 'terverifikasi'`` and ``desil <= k``;
- an enrollment is active on D when ``tanggal_mulai <= D`` and (``tanggal_selesai`` blank or
  ``D <= tanggal_selesai``); stored as the half-open period [mulai, selesai + 1);
- covered: target with >= 1 active program (of the filter, when a program/agency is given);
- overlap: covered and >= 2 distinct active programs; overlap_agency: >= 2 distinct agencies;
- gap = targets - covered; coverage_rate = covered / targets (None without targets);
- leakage: active (household, program) pairs of non-target households (of the filter's programs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from geo.errors import InvalidInput

# Characters of a kelurahan code ("64.74.03.1002") that make the code of each level.
LEVEL_LENGTH = {"kabkota": 5, "kecamatan": 8, "kelurahan": 13}
COUNT_KEYS = frozenset({
    "targets", "covered", "overlap", "overlap_agency", "gap", "leakage", "leakage_households",
    "unmatched", "households", "persons", "households_without_expenditure", "both",
})
SMALL = "<5"


def check_level(level: str) -> int:
    """Length of the area code at ``level``; ``InvalidInput`` for an unknown level."""
    if level not in LEVEL_LENGTH:
        raise InvalidInput(
            f"Level '{level}' tidak dikenal (pilihan: {', '.join(LEVEL_LENGTH)}).",
            {"level": level})
    return LEVEL_LENGTH[level]


def check_desil(desil_max: int) -> int:
    if not 1 <= desil_max <= 10:
        raise InvalidInput("desil_max harus 1-10.", {"desil_max": desil_max})
    return desil_max


def area_code_sql(level: str, column: str) -> str:
    """SQL expression giving the ``level`` code of a kelurahan code column (no user values)."""
    return f"left({column}, {check_level(level)})"


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def suppress_value(value: Any) -> Any:
    """``<5`` for counts 1-4 (so no household can be singled out), the value otherwise."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
        return SMALL
    return value


# A rate and the counts it is built from: shown only when none of those counts is suppressed,
# since the rate beside the other count would give the hidden one back.
RATE_PARTS: Mapping[str, tuple[str, ...]] = {
    "coverage_rate": ("targets", "covered"), "overlap_share": ("targets", "overlap"),
}


def suppress_row(row: Mapping[str, Any], keys: Iterable[str] = COUNT_KEYS,
                 rates: Mapping[str, tuple[str, ...]] = RATE_PARTS) -> dict[str, Any]:
    """A copy of ``row`` with its count fields suppressed and each rate hidden (None) whose
    counts were."""
    keys = set(keys)
    out = {k: suppress_value(v) if k in keys else v for k, v in row.items()}
    for rate_key, parts in rates.items():
        if rate_key in out and SMALL in (out.get(part) for part in parts):
            out[rate_key] = None
    return out


def fgt_from_sums(persons: float, gap_sum: float, gap_sq_sum: float,
                  poor_persons: float) -> dict[str, float | None]:
    """P0, P1, P2 from person-weighted sums: ``poor_persons`` = sum of n with y < z,
    ``gap_sum`` = sum of n * max(0, (z - y) / z), ``gap_sq_sum`` the same squared."""
    if persons <= 0:
        return {"p0": None, "p1": None, "p2": None}
    return {"p0": poor_persons / persons, "p1": gap_sum / persons, "p2": gap_sq_sum / persons}


def check_line(line: float) -> float:
    if not line > 0:
        raise InvalidInput("Garis kemiskinan harus lebih dari nol.", {"line": line})
    return float(line)
