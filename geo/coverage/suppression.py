"""Complementary (secondary) cell suppression over published linear relations, pure.

A ``Table`` is a set of cells (non-negative integer counts) and the linear relations anyone can
check between them: equalities (a total is the sum of its rows; targets = covered + gap) and
inequalities (overlap <= covered). ``protect`` hides every count from 1 to 4 (primary
suppression, shown ``<5``) and then further cells (complements, shown ``x``) until no hidden
cell can be computed exactly by an attacker who knows every relation and this rule, i.e. knows
that a ``<5`` is 1-4 and an ``x`` is at least 5. Three checks, repeated until all pass:

1. no equality holds exactly one hidden cell (it would give that cell away);
2. interval reasoning over all relations pins no hidden cell to one value (two ``<5`` whose
   total is 8 are both 4);
3. no hidden cell follows from the equalities by a linear combination (a hidden cell that is
   the only link between two groups of hidden cells), checked by exact elimination;
4. optionally, an exact audit through the household counts behind the cells
   (``geo.coverage.audit``, for the whole-scope table).

Each failure hides one more cell in a relation of the exposed cell: the smallest count of at
least 8 (it leaves a ``<5`` beside it its whole 1-4 range), else the smallest of at least 5.
Cells decided by an earlier table are ``frozen`` (their status is given and never changed), so
a later, more detailed table cannot undo an earlier one. The order of everything is fixed:
the same figures always give the same pattern, whichever response they appear in.

References: the rule follows statistical offices' cell suppression (tau-ARGUS, sdcTable);
check 2 is their "protection interval" reduced to "not a single value", which is what the
attacker test (``tests/coverage/test_suppression_attack.py``) verifies with an exact solver.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from geo.coverage.linear import Relation, determined, pinned

SHOWN, SMALL_CELL, COMPLEMENT, WITHHELD = 0, 1, 2, 3
MIN_COMPLEMENT = 5  # a complement is never 1-4 (those are primary) nor 0 (0 is not secret)
ROOMY_COMPLEMENT = 8  # >= 8 beside a <5 leaves the <5 its whole range 1-4


@dataclass
class Table:
    """Cells and the public relations between them. Build with ``cell``, ``equal``,
    ``at_least``; read the result of ``protect`` by cell id."""

    values: list[int] = field(default_factory=list)
    equalities: list[Relation] = field(default_factory=list)
    inequalities: list[Relation] = field(default_factory=list)
    frozen: dict[int, int] = field(default_factory=dict)  # cell -> status decided earlier
    # A further, exact check run when the others pass (``geo.coverage.audit``): the hidden
    # cells it finds exposed under a given status list.
    audit: Callable[[list[int]], list[int]] | None = None

    def cell(self, value: int, frozen: int | None = None) -> int:
        self.values.append(int(value))
        if frozen is not None:
            self.frozen[len(self.values) - 1] = frozen
        return len(self.values) - 1

    def equal(self, terms: Iterable[tuple[int, int]]) -> None:
        """``sum(coef * cell) == 0`` over ``(coef, cell)`` terms (repeated cells are merged)."""
        relation = _merge(terms)
        if len(relation) > 1:
            self.equalities.append(relation)

    def at_least(self, terms: Iterable[tuple[int, int]]) -> None:
        """``sum(coef * cell) >= 0``."""
        relation = _merge(terms)
        if relation:
            self.inequalities.append(relation)


def _merge(terms: Iterable[tuple[int, int]]) -> Relation:
    out: dict[int, int] = {}
    for coef, cell in terms:
        out[cell] = out.get(cell, 0) + coef
    return tuple(sorted((c, k) for c, k in out.items() if k))


# A relation of more cells than this (the total over a thousand hexagons) is nobody's
# neighbourhood: it gains a hidden cell with every complement, and waiting for it made each
# round mend one cell (a thousand rounds, each a full check: minutes at 1 M households). Not
# waiting may hide a cell more than needed, never fewer: the rounds go on until the check
# finds nothing exposed.
NEIGHBOURHOOD = 64


def protect(table: Table) -> list[int]:
    """The status of every cell: ``SHOWN``, ``SMALL_CELL`` (1-4), ``COMPLEMENT`` or
    ``WITHHELD``."""
    values = table.values
    status = [SMALL_CELL if 1 <= v <= 4 else SHOWN for v in values]
    for cell, decided in table.frozen.items():
        status[cell] = decided
    frozen = dict(table.frozen)
    if frozen:  # what earlier tables show may fix later cells outright: those stay shown
        open_cells = {c for c in range(len(values)) if frozen.get(c, SMALL_CELL) != SHOWN}
        for cell in determined(open_cells, table.equalities):
            frozen.setdefault(cell, status[cell])
    touching: list[list[Relation]] = [[] for _ in values]
    for relation in (*table.equalities, *table.inequalities):
        for cell, _ in relation:
            touching[cell].append(relation)
    given_up: set[int] = set()  # exposed cells nothing shown is left to cover
    while True:
        exposed = _exposed(table, status, given_up)
        if not exposed:
            return _settle(table, status, given_up)
        # Relations (by identity: hashing a total over a thousand cells costs as much as
        # reading it) that got a new hidden cell in this round.
        changed: set[int] = set()
        for cell, given in exposed:
            if given is not None and sum(1 for c, _ in given if status[c] != SHOWN) > 1:
                continue  # already mended by an earlier complement of this round
            if given is None and any(id(r) in changed for r in touching[cell]
                                     if len(r) <= NEIGHBOURHOOD):
                continue  # its neighbourhood changed: check it again first
            partner = _partner(cell, given, touching, values, status, frozen)
            if partner is not None:
                status[partner] = COMPLEMENT
                changed.update(id(r) for r in touching[partner])
            elif not _hide_zeros(cell, touching, status, frozen, changed):
                given_up.add(cell)


def _settle(table: Table, status: list[int], given_up: set[int]) -> list[int]:
    """What cannot be covered is settled: a complement the others give away anyway is shown
    (hiding it protects nothing), and a count of 1-4 that is pinned even under the published
    meaning of the labels (``<5`` is 0-4, ``x`` any count) is withheld instead (``WITHHELD``,
    shown ``x``: no bound at all). The stricter checks above assume ``<5`` is 1-4; where only
    that assumption pins a cell and nothing is left to hide, its ``<5`` stays."""
    values = table.values
    for cell in given_up:
        if status[cell] == COMPLEMENT and values[cell] < MIN_COMPLEMENT:
            status[cell] = SHOWN
    small = [c for c in given_up if status[c] == SMALL_CELL]
    if small:
        published = {c: (0.0, 4.0) if values[c] < MIN_COMPLEMENT and s != WITHHELD
                     else (0.0, float("inf")) for c, s in enumerate(status) if s != SHOWN}
        found = pinned(values, published, table.equalities, table.inequalities)
        if table.audit is not None:
            found |= set(table.audit(status))
        for cell in found & set(small):
            status[cell] = WITHHELD
    return status


def _exposed(table: Table, status: list[int], given_up: set[int]
             ) -> list[tuple[int, Relation | None]]:
    """Hidden cells an attacker could compute, each with the relation that gives it away (for
    check 1) or None; the cheapest check that finds something decides."""
    singles: list[tuple[int, Relation | None]] = []
    for relation in table.equalities:
        hidden = [c for c, _ in relation if status[c] != SHOWN]
        if len(hidden) == 1 and hidden[0] not in given_up:
            singles.append((hidden[0], relation))
    if singles:
        return singles
    hidden_set = {c for c, s in enumerate(status) if s != SHOWN}
    if not hidden_set:
        return []
    bounds = {c: _domain(table.values[c], status[c]) for c in hidden_set}
    found = pinned(table.values, bounds, table.equalities, table.inequalities) - given_up
    if found:
        return [(c, None) for c in sorted(found)]
    found = determined(hidden_set, table.equalities) - given_up
    if not found and table.audit is not None:
        found = set(table.audit(status)) - given_up
    return [(c, None) for c in sorted(found)]


def _domain(value: int, status: int) -> tuple[float, float]:
    """What the attacker knows of a hidden cell, assumed generously: a count of 1-4 is taken
    as 1-4 (zeros are usually shown), a complement as at least 5, which only makes the checks
    stricter than the published meaning (``<5`` is 0-4, ``x`` any count)."""
    if status == WITHHELD:
        return (0.0, float("inf"))
    if status == SMALL_CELL:
        return (1.0, 4.0)
    if value < MIN_COMPLEMENT:
        return (0.0, 4.0)  # a zero hidden by the last resort, shown "<5"
    return (float(MIN_COMPLEMENT), float("inf"))


def _partner(cell: int, relation: Relation | None, touching: list[list[Relation]],
             values: list[int], status: list[int], frozen: dict[int, int]) -> int | None:
    """The cell to hide next: in ``relation`` when given (it must get a second hidden cell),
    else in any relation of ``cell``, else one relation further."""
    groups = [relation] if relation is not None else touching[cell]
    best = _best(groups, touching, values, status, frozen)
    if best is not None or relation is not None:
        return best
    further = [r for rel in touching[cell] for other, _ in rel for r in touching[other]]
    return _best(further, touching, values, status, frozen)


def _best(groups: Iterable[Relation], touching: list[list[Relation]], values: list[int],
          status: list[int], frozen: dict[int, int]) -> int | None:
    """The candidate that also completes most relations now holding a single hidden cell
    (one complement serving two needs), then a roomy one, then the smallest."""
    groups = list({id(rel): rel for rel in groups}.values())  # one relation, many neighbours
    # Near first: a complement from the cell's own small relations (its hexagon) when there is
    # one; a total over more than NEIGHBOURHOOD cells offers the whole map, and reading it for
    # every choice was most of the time left (1 M households: 3,750 choices x 2,000 cells).
    near = [rel for rel in groups if len(rel) <= NEIGHBOURHOOD]
    candidates: set[int] = set()
    for part in (near, [rel for rel in groups if len(rel) > NEIGHBOURHOOD]):
        candidates = {c for rel in part for c, _ in rel
                      if status[c] == SHOWN and c not in frozen and values[c] >= MIN_COMPLEMENT}
        if candidates:
            break
    if not candidates:
        return None
    # Hidden cells per relation, counted once per call (status does not change in it): a
    # total over a thousand hexagons touches every candidate, and counting it again for each
    # made one suppression of a 1 M household map take minutes.
    hidden: dict[int, int] = {}

    def single(rel: Relation) -> bool:
        n = hidden.get(id(rel))
        if n is None:
            n = hidden[id(rel)] = sum(1 for c, _ in rel if status[c] != SHOWN)
        return n == 1

    def completes(cell: int) -> int:
        return sum(1 for rel in touching[cell] if single(rel))

    return min(candidates,
               key=lambda c: (-completes(c), values[c] < ROOMY_COMPLEMENT, values[c], c))


def _hide_zeros(cell: int, touching: list[list[Relation]], status: list[int],
               frozen: dict[int, int], changed: set[int]) -> bool:
    """Last resort when no count of 5 or more is left to hide (a tiny area whose ``<5`` cells
    add up to a ``<5``): hide the zeros that share a relation with ``cell``, shown ``<5`` too,
    so that an attacker can no longer count the cells that are at least 1."""
    added = False
    for relation in touching[cell]:
        for other, _ in relation:
            if status[other] == SHOWN and other not in frozen:
                status[other] = COMPLEMENT
                changed.update(id(r) for r in touching[other])
                added = True
    return added
