"""Coverage figures as a principal may receive them: THE entry point for every aggregate.

Pages, the map, reports, exports, rollout output and the API all ask a ``Publication``::

    pub = publication(conn, principal, ref_date=..., desil_max=...)
    pub.areas("kelurahan", parent="64.74.03")   # the area table
    pub.total(parent="64.74.03")                 # its Jumlah row / the headline figures
    pub.programs(), pub.agencies(), pub.overlap()  # per program, per agency, the matrix

For roles that may see persons the rows are the coverage service's own. For the others every
count is protected by one consistent pattern (``geo.coverage.publication``): ``"<5"`` hides a
count under five, ``"x"`` hides a count so that no ``"<5"`` can be computed back from totals,
rows or relations; a rate built on a hidden count is None. Per-program, per-agency and overlap
figures are published to them for the whole scope only, and area tables unfiltered (a program
or agency filter per area would tie the tables together through the household mix);
asking for more is refused with a clear message (``PermissionDenied``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, text

from app.clock import today
from app.principal import Principal
from app.services.coverage.figures import (
    coverage_by_agency,
    coverage_by_area,
    coverage_by_program,
    overlap_matrix,
    scope_figures,
)
from app.services.coverage.lists import poverty_by_area
from app.services.coverage.sql import check_parent
from app.services.scope import within
from app.services.wilayah import area_names
from geo.coverage import fgt_total, rate
from geo.coverage.poverty import COUNTS as POVERTY_COUNTS
from geo.coverage.poverty import WITHHELD_REASON, PovertyPattern
from geo.coverage.publication import HIDDEN, ROOT, SMALL, Figures, Publication, published
from geo.errors import PermissionDenied

AREA_FIELDS = ("targets", "covered", "overlap", "overlap_agency", "gap", "leakage",
               "leakage_households")
RATES = {"coverage_rate": ("targets", "covered")}
TOP_FIELDS = ("covered", "leakage", "leakage_households", "gap")  # per program/agency
LEVELS = {5: "kabkota", 8: "kecamatan", 13: "kelurahan"}


def publication(conn: Connection, principal: Principal, *, ref_date: date | None = None,
                desil_max: int = 4) -> CoveragePublication:
    """The coverage figures of the principal's scope on ``ref_date`` with threshold
    ``desil_max``; build one per request and ask it for every table the response needs."""
    return CoveragePublication(conn, principal, ref_date or today(), desil_max)


class CoveragePublication:
    def __init__(self, conn: Connection, principal: Principal, ref_date: date, desil_max: int):
        self.conn = conn
        self.principal = principal
        self.ref_date = ref_date
        self.desil_max = desil_max
        self.protected = principal.suppress_small_counts

    # -- the tables ------------------------------------------------------------------------
    def areas(self, level: str, parent: str | None = None, *, program: str | None = None,
              agency: str | None = None) -> list[dict[str, Any]]:
        """One row per area of ``level`` under ``parent`` (``coverage_by_area``)."""
        self.refuse_area_filters(program, agency)
        if self.protected and level == "kelurahan":
            # The protected pattern reads every kelurahan of the scope anyway: the same rows.
            check_parent(parent)
            rows = [r for r in self._kelurahan_rows if not parent or within(r["kode"], parent)]
        else:
            rows = coverage_by_area(self.conn, level=level, parent=parent,
                                    ref_date=self.ref_date, desil_max=self.desil_max,
                                    program=program, agency=agency,
                                    area_prefixes=self.principal.area_prefixes)
        if not self.protected:
            return rows
        return [self._overlay(row, row["kode"], AREA_FIELDS, None) for row in rows]

    def refuse_area_filters(self, program: str | None, agency: str | None) -> None:
        """Per-area figures under a program or agency filter are refused to protected roles
        (they would tie the tables together through the household mix)."""
        if self.protected and (program or agency):
            raise PermissionDenied(
                "Angka per program atau per instansi untuk tiap wilayah hanya untuk peran yang "
                "boleh melihat data perorangan; gunakan tabel per program untuk seluruh "
                "wilayah.")

    def total(self, parent: str | None = None) -> dict[str, Any]:
        """The figures of ``parent`` (None: the whole scope) as one row: a table's total row
        and the headline figures of a dashboard."""
        node = parent or ROOT
        sums = dict.fromkeys(AREA_FIELDS, 0)
        for kode, figures in self._leaves.items():
            if node == ROOT or kode == node or kode.startswith(node + "."):
                for fld in AREA_FIELDS:
                    sums[fld] += figures[(fld, None)]
        row: dict[str, Any] = {
            "kode": parent, "nama": area_names(self.conn, [parent]).get(parent) if parent
            else None, "level": LEVELS.get(len(parent or ""), "semua"), **sums,
            "coverage_rate": rate(sums["covered"], sums["targets"]), "unmatched": None}
        if not self.protected:
            return row
        return self._overlay(row, node, AREA_FIELDS, None)

    def programs(self, parent: str | None = None, *, program: str | None = None,
                 agency: str | None = None) -> list[dict[str, Any]]:
        """One row per program (``coverage_by_program``)."""
        self._whole_scope_only(parent, "per program")
        if self.protected and parent is None and program is None and agency is None:
            rows = [dict(r) for r in self._scope["programs"]]
        else:
            rows = coverage_by_program(self.conn, ref_date=self.ref_date,
                                       desil_max=self.desil_max, program=program, agency=agency,
                                       parent=parent, area_prefixes=self.principal.area_prefixes)
        if not self.protected:
            return rows
        out = []
        for row in rows:
            kode = row["kode"]
            own = ("service", kode) if row["wilayah_layanan"] else ("program", kode)
            shown = self._overlay(row, ROOT, ("covered", "gap"), own)
            shown = self._overlay(shown, ROOT, ("leakage", "leakage_households"),
                                  ("program", kode))
            target = ("targets", own if row["wilayah_layanan"] else None)
            shown["targets"] = self._label(target, row["targets"])
            shown["unmatched"] = self._label(("unmatched", ("program", kode)),
                                             row["unmatched"])
            out.append(_rated({**shown, "overlap": None, "overlap_agency": None}))
        return out

    def agencies(self, parent: str | None = None, *, agency: str | None = None
                 ) -> list[dict[str, Any]]:
        """One row per agency (``coverage_by_agency``)."""
        self._whole_scope_only(parent, "per instansi")
        if self.protected and parent is None and agency is None:
            rows = [dict(r) for r in self._scope["agencies"]]
        else:
            rows = coverage_by_agency(self.conn, ref_date=self.ref_date,
                                      desil_max=self.desil_max, agency=agency, parent=parent,
                                      area_prefixes=self.principal.area_prefixes)
        if not self.protected:
            return rows
        out = []
        for row in rows:
            flt = ("agency", row["kode"])
            shown = self._overlay(row, ROOT, TOP_FIELDS, flt)
            shown["targets"] = self._label(("targets", None), row["targets"])
            shown["unmatched"] = self._label(("unmatched", flt), row["unmatched"])
            out.append(_rated({**shown, "overlap": None, "overlap_agency": None}))
        return out

    def overlap(self, parent: str | None = None, *, agency: str | None = None
                ) -> dict[str, Any]:
        """The program overlap matrix (``overlap_matrix``); its diagonal is each program's
        covered households."""
        self._whole_scope_only(parent, "tumpang tindih program")
        if self.protected and parent is None and agency is None:
            result = dict(self._scope["overlap"])
        else:
            result = overlap_matrix(self.conn, ref_date=self.ref_date, desil_max=self.desil_max,
                                    parent=parent, agency=agency,
                                    area_prefixes=self.principal.area_prefixes)
        if not self.protected:
            return result
        codes = [p["kode_program"] for p in result["programs"]]
        result["matrix"] = [[self._label(_pair(a, b), n) for b, n in zip(codes, line,
                                                                        strict=True)]
                            for a, line in zip(codes, result["matrix"], strict=True)]
        return result

    def poverty(self, level: str, parent: str | None, line: float) -> list[dict[str, Any]]:
        """FGT P0/P1/P2 per area (``poverty_by_area``); for roles that may not see persons
        the counts are protected and the indices of too small areas withheld, with the reason
        in ``fgt_catatan``."""
        scope = self.principal.area_prefixes
        rows = poverty_by_area(self.conn, level=level, parent=parent, line=line,
                               area_prefixes=scope)
        if not self.protected:
            return rows
        pattern = self._poverty_pattern(line)
        out = []
        for row in rows:
            shown = {**row, "poor_households": None, "fgt_catatan": None}
            for key in POVERTY_COUNTS:
                shown[key] = pattern.label(key, row["kode"]) or row[key]
            if pattern.fgt_withheld(row["kode"]):
                shown.update(p0=None, p1=None, p2=None, fgt_catatan=WITHHELD_REASON)
            out.append(shown)
        return out

    def households(self, kode: str | None, value: int, line: float) -> int | str:
        """An area's count of accepted households (``list_wilayah``), protected with the
        poverty table's counts it adds up from (with and without expenditure)."""
        if not self.protected:
            return value
        return self._poverty_pattern(line).label("all_households", kode or ROOT) or value

    def _poverty_pattern(self, line: float) -> PovertyPattern:
        cache: dict[float, PovertyPattern] = self.__dict__.setdefault("_patterns", {})
        if line not in cache:
            cache[line] = PovertyPattern({r["kode"]: r for r in poverty_by_area(
                self.conn, level="kelurahan", parent=None, line=line,
                area_prefixes=self.principal.area_prefixes)})
        return cache[line]

    def poverty_total(self, parent: str | None, line: float) -> dict[str, Any]:
        """FGT P0/P1/P2 and the counts of ``parent`` (None: the whole scope) as one row,
        protected like ``poverty``."""
        rows = poverty_by_area(self.conn, level="kelurahan", parent=parent, line=line,
                               area_prefixes=self.principal.area_prefixes)
        total = {**fgt_total(rows), "kode": parent, "fgt_catatan": None}
        if not self.protected:
            return total
        pattern = self._poverty_pattern(line)
        node = parent or ROOT
        for key in POVERTY_COUNTS:
            total[key] = pattern.label(key, node) or total[key]
        total["poor_households"] = None
        if pattern.fgt_withheld(node):
            total.update(p0=None, p1=None, p2=None, fgt_catatan=WITHHELD_REASON)
        return total

    @property
    def scope(self) -> Publication:
        """The all-program cells of every area (tier 0), for other splits of the same
        households (hexagons: ``geo.coverage.publication.protect_partition``)."""
        return self._tiers[0]

    def hidden(self, field: str, kode: str | None) -> bool:
        """Whether the all-program figure ``field`` of area ``kode`` is hidden here (for
        figures derived from it elsewhere, e.g. a plan's waves)."""
        if not self.protected:
            return False
        return self._tiers[0].label((field, None), kode or ROOT) is not None

    def sum_of(self, field: str, codes: Iterable[str]) -> int | str:
        """The sum of an all-program figure over a set of areas (a plan's wave, a pilot
        cluster): shown only when every part is shown, so it adds nothing that the area
        table does not already give."""
        codes = list(codes)
        total = sum(int(self._leaves.get(k, {}).get((field, None), 0)) for k in codes)
        if any(self.hidden(field, k) for k in codes):
            return HIDDEN if total >= 5 else SMALL
        return total

    # -- the protected pattern -------------------------------------------------------------
    @cached_property
    def _kelurahan_rows(self) -> list[dict[str, Any]]:
        return coverage_by_area(self.conn, level="kelurahan", parent=None,
                                ref_date=self.ref_date, desil_max=self.desil_max,
                                area_prefixes=self.principal.area_prefixes)

    @cached_property
    def _leaves(self) -> dict[str, dict[tuple[str, Any], int]]:
        return {r["kode"]: {(f, None): int(r[f]) for f in AREA_FIELDS}
                for r in self._kelurahan_rows}

    @cached_property
    def _scope(self) -> dict[str, Any]:
        """The whole scope's per-program, per-agency and overlap tables, from one pass: the
        protected pattern needs all three whatever table is asked for (roles that may see
        persons ask each table on its own, for its own filter)."""
        return scope_figures(self.conn, ref_date=self.ref_date, desil_max=self.desil_max,
                             area_prefixes=self.principal.area_prefixes)

    @cached_property
    def _figures(self) -> Figures:
        return Figures(self._leaves, self._agency_of, self._service_areas)

    @cached_property
    def _agency_of(self) -> dict[str, str]:
        return {r.kode_program: r.instansi for r in self.conn.execute(text(
            "SELECT kode_program, instansi FROM program ORDER BY kode_program"))}

    @cached_property
    def _service_areas(self) -> dict[str, list[str]]:
        return {r.kode_program: list(r.wilayah_layanan) for r in self.conn.execute(text(
            "SELECT kode_program, wilayah_layanan FROM program "
            "WHERE cardinality(wilayah_layanan) > 0"))}

    @cached_property
    def _tiers(self) -> dict[int, Publication]:
        return _Tiers(self)

    def _label(self, measure: tuple[str, Any], value: Any, node: str = ROOT) -> Any:
        if value is None:
            return None
        tier = 0 if measure[1] is None else 2
        return self._tiers[tier].label(measure, node) or value

    def _overlay(self, row: dict[str, Any], node: str, fields: Iterable[str],
                 flt: tuple[str, ...] | None) -> dict[str, Any]:
        out = dict(row)
        tier = 0 if flt is None else 2
        for fld in fields:
            if out.get(fld) is not None:
                out[fld] = self._tiers[tier].label((fld, flt), node) or out[fld]
        return _rated(out)

    def _whole_scope_only(self, parent: str | None, what: str) -> None:
        if self.protected and parent:
            raise PermissionDenied(
                f"Angka {what} untuk satu wilayah hanya untuk peran yang boleh melihat data "
                "perorangan; peran ini melihatnya untuk seluruh wilayah.")


class _Tiers(dict[int, Publication]):
    """Tiers built on first use: 0 (all-program figures) for every area table, 1 and 2 (per
    program, pair and agency, whole scope) only when such a table is asked for."""

    def __init__(self, pub: CoveragePublication):
        super().__init__()
        self.pub = pub

    def __missing__(self, tier: int) -> Publication:
        if tier == 0:
            self[0] = published(self.pub._figures, 0)
            return self[0]
        top, unmatched = _top_figures(self.pub)
        figures = Figures(self.pub._leaves, self.pub._agency_of, self.pub._service_areas,
                          top=top, unmatched=unmatched)
        self[1] = published(figures, 1, self[0])
        self[2] = published(figures, 2, self[1])
        return self[tier]


def _top_figures(pub: CoveragePublication
                 ) -> tuple[dict[tuple[str, Any], int], dict[tuple[str, Any], int] | None]:
    """The whole-scope per-program, pair, per-agency and service-area figures, and the
    unmatched rows per program (None for a scoped principal: they have no area), from the
    coverage service's own tables."""
    scope = pub._scope
    top: dict[tuple[str, Any], int] = {}
    unmatched: dict[tuple[str, Any], int] | None = (None if pub.principal.area_prefixes
                                                    else {})
    matrix = scope["overlap"]
    codes = [p["kode_program"] for p in matrix["programs"]]
    targets = sum(f[("targets", None)] for f in pub._leaves.values())
    for i, a in enumerate(codes):
        for j, b in enumerate(codes):
            if i <= j:
                top[_pair(a, b)] = int(matrix["matrix"][i][j])
        top[("gap", ("program", a))] = targets - top[_pair(a, a)]
    for row in scope["programs"]:
        kode = row["kode"]
        for fld in ("leakage", "leakage_households"):
            top[(fld, ("program", kode))] = int(row["leakage"])
        if row["wilayah_layanan"]:
            for fld in ("targets", "covered", "gap"):
                top[(fld, ("service", kode))] = int(row[fld])
        if unmatched is not None:
            unmatched[("unmatched", ("program", kode))] = int(row["unmatched"] or 0)
    for row in scope["agencies"]:
        for fld in TOP_FIELDS:
            top[(fld, ("agency", row["kode"]))] = int(row[fld])
    return top, unmatched


def _pair(a: str, b: str) -> tuple[str, tuple[str, ...]]:
    if a == b:
        return ("covered", ("program", a))
    x, y = sorted((a, b))
    return ("both", ("pair", x, y))


def _rated(row: dict[str, Any]) -> dict[str, Any]:
    for key, parts in RATES.items():
        if key in row and any(isinstance(row.get(p), str) for p in parts):
            row[key] = None
    return row
