"""Rollout output as a principal may receive it: every per-area figure from the protected
coverage publication (``app.services.coverage.publication``), every sum over a set of areas
(a wave, a pilot cluster, the plan's scope) shown only when all its parts are, and nothing
derived from a hidden figure (households reached = floor(gap x share), a budget, a score).

For roles that may not see persons the ranking keeps its order but not its scores: a score
and its normalised components are built from the minimum and maximum over all areas, and
two areas' scores beside their raw figures give those extremes back, hidden ones included.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import Connection

from app.principal import Principal
from app.services.coverage import CoveragePublication, publication
from geo.coverage.poverty import PovertyPattern

SMALL, HIDDEN = "<5", "x"
AREA_FIELDS = {"sasaran": "targets", "tercakup": "covered", "kesenjangan": "gap",
               "tercakup_sebelum": "covered", "kesenjangan_sebelum": "gap"}
DERIVED = ("dijangkau", "tercakup_sesudah", "anggaran", "biaya")  # follow a gap
RATES = ("cakupan", "cakupan_sebelum", "cakupan_sesudah", "selisih_cakupan")


class RolloutView:
    def __init__(self, conn: Connection, principal: Principal, ref_date: date, desil_max: int):
        self.conn, self.principal = conn, principal
        self.protected = principal.suppress_small_counts
        self.ref_date, self.desil_max = ref_date, desil_max

    @cached_property
    def pub(self) -> CoveragePublication:
        return publication(self.conn, self.principal, ref_date=self.ref_date,
                           desil_max=self.desil_max)

    @cached_property
    def pub_desil1(self) -> CoveragePublication:
        """Gap among desil 1 is the gap with threshold 1: its own publication's pattern."""
        return publication(self.conn, self.principal, ref_date=self.ref_date, desil_max=1)

    def at(self, on: date) -> RolloutView:
        """The same view on another date (a plan's actual figures)."""
        return RolloutView(self.conn, self.principal, on, self.desil_max)

    def hidden(self, kode: str) -> bool:
        """Whether any of the area's targets, covered or gap is hidden."""
        return self.protected and any(self.pub.hidden(f, kode)
                                      for f in ("targets", "covered", "gap"))

    def area_row(self, kode: str, row: dict[str, Any]) -> dict[str, Any]:
        """One area's counts (Indonesian keys) labelled, with what is derived from them."""
        if not self.protected:
            return row
        out = dict(row)
        for key, fld in AREA_FIELDS.items():
            if isinstance(out.get(key), int) and self.pub.hidden(fld, kode):
                out[key] = SMALL if out[key] < 5 else HIDDEN
        if "kesenjangan_desil1" in out and self.pub_desil1.hidden("gap", kode):
            out["kesenjangan_desil1"] = SMALL if out["kesenjangan_desil1"] < 5 else HIDDEN
        if self.hidden(kode):
            out.update({k: None for k in (*DERIVED, *RATES) if k in out})
        return out

    def sum_row(self, codes: Iterable[str], row: dict[str, Any]) -> dict[str, Any]:
        """Totals over ``codes``: as they are when every area's figures are shown, else every
        count labelled and what is derived from them withheld."""
        codes = list(codes)
        if not self.protected or not any(self.hidden(k) for k in codes):
            return row
        out = dict(row)
        for key, value in row.items():
            if key in RATES or key in DERIVED:
                out[key] = None
            elif isinstance(value, int) and not isinstance(value, bool):
                out[key] = SMALL if value < 5 else HIDDEN
        return out

    def fgt_withheld(self, kode: str, line: float) -> bool:
        return self.protected and self._poverty(line).fgt_withheld(kode)

    def _poverty(self, line: float) -> PovertyPattern:
        cache = self.__dict__.setdefault("_patterns", {})
        if line not in cache:
            from app.services.coverage import poverty_by_area

            cache[line] = PovertyPattern({r["kode"]: r for r in poverty_by_area(
                self.conn, level="kelurahan", parent=None, line=line,
                area_prefixes=self.principal.area_prefixes)})
        pattern: PovertyPattern = cache[line]
        return pattern
