"""A ranked area as every client shows it: the figures and each score component (raw value,
normalised, weight, contribution). For roles that may not see persons the figures come from
the protected publication and the score and its normalised parts are left out, the rank kept
(``app.services.rollout.protected``). The priorities API and the Perencanaan page both answer
with this."""

from __future__ import annotations

from typing import Any

from app.principal import Principal
from app.services.rollout.protected import RolloutView
from geo.rollout import Priority

COUNT_COMPONENTS = {"gap": "kesenjangan", "gap_desil1": "kesenjangan_desil1",
                    "targets": "sasaran", "coverage_rate": "cakupan"}


def priority_out(p: Priority, principal: Principal, view: RolloutView,
                 line: float | None = None) -> dict[str, Any]:
    """One ranked area with every component: raw value, normalised 0..1, weight, contribution
    to the 0..100 score (the contributions add up to the score). ``view`` protects the
    figures for ``principal``; ``line`` is the poverty line of P0/P1 (their withholding)."""
    f = p.figures
    counts = view.area_row(f.kode, {
        "sasaran": f.targets, "tercakup": f.covered, "kesenjangan": f.gap,
        "kesenjangan_desil1": f.gap_desil1, "cakupan": f.coverage_rate})
    fgt = {"p0": f.p0, "p1": f.p1}
    if view.protected and line is not None and view.fgt_withheld(f.kode, line):
        fgt = {"p0": None, "p1": None}
    hide = view.protected
    return {
        "peringkat": p.rank, "kode": f.kode, "nama": f.nama,
        "skor": None if hide else round(p.score, 4), **counts, **fgt,
        "komponen": [
            {"nama": c.name, "nilai": _value(c.name, c.raw, counts, fgt),
             "ternormalisasi": None if hide else round(c.normalised, 6), "bobot": c.weight,
             "kontribusi": None if hide else round(c.contribution, 4)}
            for c in p.components
        ],
    }


def _value(name: str, raw: float | None, counts: dict[str, Any], fgt: dict[str, Any]) -> Any:
    if name in COUNT_COMPONENTS:
        return counts[COUNT_COMPONENTS[name]]
    if name in fgt:
        return fgt[name]
    return raw
