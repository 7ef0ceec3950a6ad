"""Coverage figures per program, per agency and per pair of programs from one "mix", pure.

The mix is the active coverage segments on a date counted per (programs held, agencies held,
kelurahan, target or not), the kelurahan kept only inside some program's service area (None
elsewhere, where only whole-scope sums are asked): a few hundred rows even at 10 M
households, since a household's programs come in few combinations. Every per-program,
per-agency and overlap figure is a sum over these rows, so one pass over the segments gives
them all (it used to be one pass per table: five for a protected map page). Definitions:
``geo.coverage.rules`` and domain.md (overlap = enrolled in two or more programs, or with
two or more agencies).

Unfiltered, the same cells come faster from the per-key steps (``KeyRow``: one program or one
agency, its households with their overlap counts already summed per group): 28 rows instead
of a scan of every active segment. Both kinds add up, so kelurahan whose steps wait for a
refresh are taken from the segments and the rest from the steps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

OVERLAP_MIN = 2  # "tumpang tindih": two or more programs (or agencies)


@dataclass(frozen=True)
class MixRow:
    """``households`` active segments of ``kode`` (a kelurahan inside some program's service
    area; None: anywhere else in scope) holding exactly ``programs`` (ids) of ``agencies``;
    ``target``: verified and within the desil threshold."""

    programs: tuple[int, ...]
    agencies: tuple[str, ...]
    kode: str | None
    target: bool
    households: int


@dataclass(frozen=True)
class KeyRow:
    """The households under one key, ``program`` (an id) or ``agency`` (a code), in ``kode``
    (as ``MixRow``) that are targets or not; of them ``overlap`` hold two or more programs and
    ``overlap_agency`` programs of two or more agencies."""

    program: int | None
    agency: str | None
    kode: str | None
    target: bool
    households: int
    overlap: int
    overlap_agency: int


def _key_counts(row: KeyRow) -> dict[str, int]:
    if not row.target:
        return {"covered": 0, "overlap": 0, "overlap_agency": 0, "leakage": row.households}
    return {"covered": row.households, "overlap": row.overlap,
            "overlap_agency": row.overlap_agency, "leakage": 0}


def _counts(row: MixRow) -> dict[str, int]:
    n = row.households
    if not row.target:
        return {"covered": 0, "overlap": 0, "overlap_agency": 0, "leakage": n}
    return {"covered": n, "overlap": n if len(set(row.programs)) >= OVERLAP_MIN else 0,
            "overlap_agency": n if len(set(row.agencies)) >= OVERLAP_MIN else 0, "leakage": 0}


def program_cells(mix: Iterable[MixRow], keys: Iterable[KeyRow] = ()
                  ) -> dict[int, dict[str | None, dict[str, int]]]:
    """Per program id and kelurahan (None: outside every service area): target households it
    covers (``covered``; of them in two or more programs ``overlap``, of two or more agencies
    ``overlap_agency``) and non-target households it reaches (``leakage``)."""
    cells: dict[int, dict[str | None, dict[str, int]]] = defaultdict(dict)
    for row in mix:
        counts = _counts(row)
        for pid in set(row.programs):
            _add(cells[pid].setdefault(row.kode, dict.fromkeys(counts, 0)), counts)
    for key in keys:
        if key.program is not None:
            counts = _key_counts(key)
            _add(cells[key.program].setdefault(key.kode, dict.fromkeys(counts, 0)), counts)
    return cells


def agency_cells(mix: Iterable[MixRow], keys: Iterable[KeyRow] = ()
                 ) -> dict[str, dict[str, int]]:
    """Per agency: target households with one of its programs (``covered``, ``overlap``,
    ``overlap_agency``) and non-target households it reaches (``leakage_households``), each
    household once however many of the agency's programs it holds."""
    cells: dict[str, dict[str, int]] = {}
    for row in mix:
        counts = _counts(row)
        for agency in set(row.agencies):
            _add(cells.setdefault(agency, dict.fromkeys(counts, 0)), counts)
    for key in keys:
        if key.agency is not None:
            counts = _key_counts(key)
            _add(cells.setdefault(key.agency, dict.fromkeys(counts, 0)), counts)
    return {a: {**{k: v for k, v in c.items() if k != "leakage"},
                "leakage_households": c["leakage"]} for a, c in cells.items()}


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for key, n in counts.items():
        into[key] += n
