"""Everything a role without person access can be shown of the coverage figures for one
reference date and desil threshold, as one protected table, pure.

The figures of every area (kelurahan, kecamatan, kab/kota, province, and the whole scope) are
sums of the kelurahan figures; a program's service-area figures are sums over its kelurahan;
the figures of one area are linked by the relations of ``geo.coverage.measures``. All of these
go into one ``geo.coverage.suppression.Table``, so a cell has one status in every response
(an area table, its total row, a program or agency row, the overlap matrix, a map, an
export). Tiers add detail without reopening what an earlier tier decided: tier 0 is the
all-program figures, tier 1 adds per program and program pairs, tier 2 per agency; each tier
is protected with the cells of the tiers before it frozen.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from geo.coverage.audit import exposed
from geo.coverage.measures import (
    MAX_EXACT_PROGRAMS,
    Filter,
    Measure,
    coefficient,
    dominance,
    household_types,
    measures,
    relations,
)
from geo.coverage.suppression import SHOWN, WITHHELD, Table, protect

ROOT = ""  # the node of the whole scope
PREFIXES = (2, 5, 8)  # province, kab/kota, kecamatan prefixes of a kelurahan code
DETAIL = len(ROOT)  # program, agency and pair figures: for the whole scope only
FIELDS_SERVICE = ("targets", "covered", "gap")
SMALL, HIDDEN = "<5", "x"  # a hidden count under 5 (0-4); any hidden count


@dataclass
class Figures:
    """Kelurahan figures and what they are figures of (``leaves[kode][measure]``)."""

    leaves: Mapping[str, Mapping[Measure, int]]
    agency_of: Mapping[str, str]  # program -> agency, every program
    service: Mapping[str, Iterable[str]] = field(default_factory=dict)  # program -> kelurahan
    # Whole-scope program, agency, pair, service-area and unmatched figures, when they are
    # known for the scope only; otherwise they are summed from ``leaves``.
    top: Mapping[Measure, int] = field(default_factory=dict)
    unmatched: Mapping[Measure, int] | None = None  # whole-scope only (None when scoped)


def parents(code: str) -> list[str]:
    """The nodes above a kelurahan code, nearest first, ending with the whole scope."""
    return [code[:n] for n in reversed(PREFIXES) if len(code) > n] + [ROOT]


class Publication:
    """The protected cells of one tier; ``label(measure, node)`` gives ``None`` (shown),
    ``"<5"`` or ``"x"``."""

    def __init__(self, figures: Figures, tier: int, earlier: Publication | None = None):
        self.tier = tier
        self.fingerprint = ""  # set by ``published``
        self.figures = figures
        programs = sorted(figures.agency_of)
        agencies = sorted(set(figures.agency_of.values()))
        self.measures = measures(programs, agencies, tier)
        self.table = Table()
        self.cells: dict[tuple[Measure, str], int] = {}
        self._children = _children(figures.leaves)
        self._under = _under(self._children)
        self._members = {("agency", a): [p for p, ag in figures.agency_of.items() if ag == a]
                         for a in agencies} | {("program", p): [p] for p in programs}
        self._earlier = earlier
        for m in self.measures:
            self._tree(m, ROOT)
        self._service_trees(programs)
        self._unmatched(programs, agencies)
        self._node_relations(tuple(sorted(figures.agency_of.items())))
        if tier >= 1 and len(programs) <= MAX_EXACT_PROGRAMS:
            rows = self._type_rows(programs, agencies)
            self.table.audit = lambda status: exposed(rows, self.table.values, status)
        self.status = protect(self.table)

    # -- reading ---------------------------------------------------------------------------
    def cell(self, measure: Measure, node: str) -> int | None:
        return self.cells.get((measure, node))

    def label(self, measure: Measure, node: str) -> str | None:
        cell = self.cell(measure, node)
        if cell is None:
            return None
        if self.status[cell] == SHOWN:
            return None
        if self.status[cell] == WITHHELD or self.table.values[cell] >= 5:
            return HIDDEN
        return SMALL

    def value(self, measure: Measure, node: str) -> int:
        cell = self.cell(measure, node)
        return 0 if cell is None else self.table.values[cell]

    # -- building --------------------------------------------------------------------------
    def _new(self, measure: Measure, node: str, value: int) -> int:
        decided = None
        if self._earlier is not None:
            before = self._earlier.cell(measure, node)
            if before is not None:
                decided = self._earlier.status[before]
        cell = self.table.cell(value, decided)
        self.cells[(measure, node)] = cell
        return cell

    def _tree(self, m: Measure, node: str) -> int:
        """The cell of ``m`` at ``node``: a leaf's figure, or the sum of its children (a node
        with one child is that child's cell: the same number, the same status). Program,
        agency and pair figures exist for the whole scope only (``DETAIL``)."""
        kids = self._children.get(node)
        if not kids or (m[1] is not None and len(node) >= DETAIL):
            return self._new(m, node, self._sum(m, node, None))
        cells = [self._tree(m, kid) for kid in kids]
        if len(cells) == 1:
            self.cells[(m, node)] = cells[0]
            return cells[0]
        total = self._new(m, node, sum(self.table.values[c] for c in cells))
        self.table.equal([(1, total), *((-1, c) for c in cells)])
        return total

    def _sum(self, m: Measure, node: str, area: set[str] | None) -> int:
        """The kelurahan figures of ``m`` under ``node`` (only those in ``area`` when given);
        a whole-scope figure given as such is taken as it is."""
        if node == ROOT and area is None and m in self.figures.top:
            return int(self.figures.top[m])
        under = self._under.get(node, (node,))
        return sum(int(self.figures.leaves.get(k, {}).get(m, 0)) for k in under
                   if area is None or k in area)

    def _service_trees(self, programs: list[str]) -> None:
        """A program with a service area publishes targets, covered, overlap and gap summed
        over its kelurahan only (for the whole scope), linked like the program's own figures;
        its targets are the sum of the area table's kelurahan cells."""
        if self.tier < 1:
            return
        for program in programs:
            area = set(self.figures.service.get(program) or ())
            if not area:
                continue
            own: Filter = ("service", program)
            for fld in FIELDS_SERVICE:
                source: Measure = (fld, None if fld == "targets" else ("program", program))
                self._service(source, (fld, own), area, ROOT)
            cell = {f: self.cells[((f, own), ROOT)] for f in FIELDS_SERVICE}
            self.table.equal([(1, cell["targets"]), (-1, cell["covered"]), (-1, cell["gap"])])
            self.table.at_least([(1, self.cells[(("covered", ("program", program)), ROOT)]),
                                 (-1, cell["covered"])])

    def _service(self, source: Measure, m: Measure, area: set[str], node: str) -> None:
        """The figure ``source`` summed over the service area: the whole node's cell when the
        area covers it, else a new cell (for targets: the sum of its kelurahan cells)."""
        under = self._under.get(node, (node,))
        inside = [k for k in under if k in area]
        if len(inside) == len(under):
            self.cells[(m, node)] = self.cells[(source, node)]
            return
        given = self.figures.top.get(m) if node == ROOT else None
        cell = self._new(m, node, self._sum(source, node, area) if given is None else given)
        if source[1] is None:
            self.table.equal([(1, cell), *((-1, self.cells[(source, k)]) for k in inside)])
    def _type_rows(self, programs: list[str], agencies: list[str]) -> dict[int, list[int]]:
        """Each whole-scope cell as coefficients over household types (for the audit)."""
        owner = dict(self.figures.agency_of)
        members = {a: frozenset(p for p in programs if owner[p] == a) for a in agencies}
        types = household_types(programs)
        return {self.cells[(m, ROOT)]: [coefficient(m, t, s, owner, members) for t, s in types]
                for m in self.measures}

    def _unmatched(self, programs: list[str], agencies: list[str]) -> None:
        """Rows that matched no household have no area: one whole-scope count per program,
        and an agency's is the sum of its programs'."""
        counts = self.figures.unmatched
        if counts is None or self.tier < 1:
            return
        own = {x: self._new(("unmatched", ("program", x)), ROOT,
                            counts.get(("unmatched", ("program", x)), 0)) for x in programs}
        if self.tier < 2:
            return
        for a in agencies:
            mine = [own[x] for x in programs if self.figures.agency_of[x] == a]
            cell = self._new(("unmatched", ("agency", a)), ROOT, sum(
                self.table.values[c] for c in mine))
            self.table.equal([(1, cell), *((-1, c) for c in mine)])

    def _node_relations(self, agency_of: tuple[tuple[str, str], ...]) -> None:
        seen: set[int] = set()
        equal = {True: relations(agency_of, self.tier), False: relations(agency_of, 0)}
        below = {True: dominance(agency_of, self.tier), False: dominance(agency_of, 0)}
        width = {f: len(m) for f, m in self._members.items()} | {None: len(agency_of)}
        for node in sorted({*self._children, *self.figures.leaves}):
            anchor = self.cells[(("targets", None), node)]
            if anchor in seen:
                continue  # a one-child node: its cells are its child's
            seen.add(anchor)
            top = len(node) <= DETAIL
            for relation in equal[top]:
                self.table.equal((coef, self.cells[(m, node)]) for m, coef in relation)
            for small, large in below[top]:
                self.table.at_least([(1, self.cells[(large, node)]),
                                     (-1, self.cells[(small, node)])])
            for flt, n in width.items():  # leakage pairs <= programs x households
                if (("leakage", flt), node) in self.cells and n > 1:
                    self.table.at_least([(n, self.cells[(("leakage_households", flt), node)]),
                                         (-1, self.cells[(("leakage", flt), node)])])


# Publications kept for the next request asking the same: the pattern is a function of the
# figures alone, so a kept one is exactly what would be built again (at 1 M households the
# three tiers of the province take ~0.45 s; a pimpinan's map asks them on every load, each
# click on an area asks tier 0 again). Keyed by a digest of every figure, not by a data
# version: nothing to invalidate, a changed figure is another key.
_KEPT: OrderedDict[tuple[str, int, str], Publication] = OrderedDict()
_KEPT_MAX = 12
_KEPT_LOCK = threading.Lock()


def published(figures: Figures, tier: int, earlier: Publication | None = None) -> Publication:
    """``Publication(figures, tier, earlier)``, reused when the same figures (and the same
    earlier tier) were published before."""
    if earlier is not None and not earlier.fingerprint:
        return Publication(figures, tier, earlier)  # an earlier tier not kept: no key for it
    key = (fingerprint(figures), tier, "" if earlier is None else earlier.fingerprint)
    with _KEPT_LOCK:
        kept = _KEPT.get(key)
        if kept is not None:
            _KEPT.move_to_end(key)
            return kept
    made = Publication(figures, tier, earlier)
    made.fingerprint = "|".join(map(str, key))
    with _KEPT_LOCK:
        _KEPT[key] = made
        while len(_KEPT) > _KEPT_MAX:
            _KEPT.popitem(last=False)
    return made


def fingerprint(figures: Figures) -> str:
    """A digest of everything a publication is computed from. In the mappings' own order:
    the same figures read the same way come in the same order, and another order can only
    miss a kept publication, never match a different one."""
    parts = (
        [(kode, list(cells.items())) for kode, cells in figures.leaves.items()],
        list(figures.agency_of.items()),
        [(program, list(area)) for program, area in figures.service.items()],
        list(figures.top.items()),
        None if figures.unmatched is None else list(figures.unmatched.items()),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def _under(children: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """The kelurahan (leaves) under every node."""
    out: dict[str, tuple[str, ...]] = {}

    def walk(node: str) -> tuple[str, ...]:
        kids = children.get(node)
        out[node] = tuple(k for kid in kids for k in walk(kid)) if kids else (node,)
        return out[node]

    if ROOT in children:
        walk(ROOT)
    return out


def _children(leaves: Iterable[str]) -> dict[str, list[str]]:
    kids: dict[str, set[str]] = defaultdict(set)
    for code in leaves:
        chain = [code, *parents(code)]
        for child, parent in zip(chain, chain[1:], strict=False):
            kids[parent].add(child)
    return {node: sorted(k) for node, k in kids.items()}


HEX_FIELDS = ("targets", "gap", "one", "overlap", "covered")


def protect_partition(cells: Mapping[str, Mapping[str, int]], scope: Publication
                      ) -> dict[str, dict[str, str | None]]:
    """Labels for another split of the scope's target households (H3 hexagons): per cell
    ``targets``, ``gap``, ``one`` (one program), ``overlap``, ``covered``. The cells add up to
    the whole scope's all-program figures, whose status ``scope`` (tier 0) already decided,
    so "13 - 10 = 3" is caught across cells and against the area tables alike."""
    table = Table()
    ids: dict[tuple[str, str], int] = {}
    for key, counts in cells.items():
        for fld in HEX_FIELDS:
            value = counts["one"] + counts["overlap"] if fld == "covered" else counts[fld]
            ids[(key, fld)] = table.cell(value)
        table.equal([(1, ids[(key, "targets")]), (-1, ids[(key, "gap")]),
                     (-1, ids[(key, "one")]), (-1, ids[(key, "overlap")])])
        table.equal([(1, ids[(key, "covered")]), (-1, ids[(key, "one")]),
                     (-1, ids[(key, "overlap")])])
        # Implied by the two above, but the bound checks read one relation at a time: without
        # it a cell of 8 targets shown beside gap "<5" and covered "<5" gave both away as 4.
        table.equal([(1, ids[(key, "targets")]), (-1, ids[(key, "gap")]),
                     (-1, ids[(key, "covered")])])
    for fld, parts in (("targets", ("targets",)), ("gap", ("gap",)),
                       ("covered", ("one", "overlap")), ("overlap", ("overlap",))):
        cell = scope.cell((fld, None), ROOT)
        if cell is None:
            continue
        total = table.cell(scope.table.values[cell], scope.status[cell])
        table.equal([(1, total), *((-1, ids[(k, p)]) for k in cells for p in parts)])
    status = protect(table)
    return {key: {fld: None if status[ids[(key, fld)]] == SHOWN else
                  (SMALL if table.values[ids[(key, fld)]] < 5
                   and status[ids[(key, fld)]] != WITHHELD else HIDDEN)
                  for fld in HEX_FIELDS} for key in cells}
