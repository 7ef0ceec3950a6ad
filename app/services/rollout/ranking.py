"""A ranked area as every client shows it: the figures and each score component (raw value,
normalised, weight, contribution), with small counts suppressed for roles that may not see
persons. The priorities API and the Perencanaan page both answer with this."""

from __future__ import annotations

from typing import Any

from app.principal import Principal
from app.services.rollout.output import suppress
from geo.coverage import suppress_value
from geo.rollout import Priority

COUNT_COMPONENTS = ("gap", "gap_desil1", "targets")


def _component_value(name: str, raw: float | None, counts: dict[str, Any],
                     principal: Principal) -> Any:
    if name == "coverage_rate":
        return counts["cakupan"]  # hidden with the counts it is built from
    value = int(raw) if name in COUNT_COMPONENTS and raw is not None else raw
    return suppress_value(value) if principal.suppress_small_counts else value


def priority_out(p: Priority, principal: Principal) -> dict[str, Any]:
    """One ranked area with every component: raw value, normalised 0..1, weight, contribution
    to the 0..100 score (the contributions add up to the score)."""
    f = p.figures
    counts = suppress({"sasaran": f.targets, "tercakup": f.covered, "kesenjangan": f.gap,
                       "kesenjangan_desil1": f.gap_desil1, "cakupan": f.coverage_rate},
                      principal)
    return {
        "peringkat": p.rank, "kode": f.kode, "nama": f.nama, "skor": round(p.score, 4),
        **counts, "p0": f.p0, "p1": f.p1,
        "komponen": [
            {"nama": c.name, "nilai": _component_value(c.name, c.raw, counts, principal),
             "ternormalisasi": round(c.normalised, 6), "bobot": c.weight,
             "kontribusi": round(c.contribution, 4)}
            for c in p.components
        ],
    }
