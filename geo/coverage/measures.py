"""The coverage figures of one area as functions of household types, and every linear equality
that holds between them whatever the households, pure.

A household type is (target or not, the set of programs it is actively enrolled in). Each
published figure of an area is a sum over the area's households of a per-type coefficient
(covered by program X counts the targets whose set holds X; leakage pairs count |set ∩ filter|
for non-targets...). An attacker who sees several figures of one area can combine them through
any linear relation between these coefficient vectors (gap = targets - covered; with exactly
two programs, the overlap is the households in both; sum over programs of covered - covered =
sum of overlap - overlap...). ``relations`` finds all of them: the left null space of the
figure-by-type matrix, computed exactly (modulo a prime, then rational reconstruction, then
checked in integers), so no hand-written list can miss one.

Figure keys: ``(field, filter)`` with ``filter`` None (all programs), ``("program", kode)`` or
``("agency", kode)``; the pair counts of the overlap matrix are ``("both", ("pair", x, y))``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import combinations
from math import gcd

import numpy as np

Filter = tuple[str, ...] | None
Measure = tuple[str, Filter]
FIELDS = ("covered", "overlap", "overlap_agency", "leakage", "leakage_households", "gap")
# Per program and per agency, roles without person access get no overlap figures: they would
# tie the program table to the area table through the household mix (see docs/security.md).
DETAIL_FIELDS = ("covered", "leakage", "leakage_households", "gap")
PRIME = 2_147_483_647  # 2**31 - 1: products of two residues fit in int64
MAX_EXACT_PROGRAMS = 11  # 2**12 types: beyond, the general relations below are used


def measures(programs: Sequence[str], agencies: Sequence[str], tier: int) -> list[Measure]:
    """The figures of one area published at ``tier`` (0: all programs; 1: + per program and
    program pairs; 2: + per agency), derived ones (gap) after those they derive from."""
    out: list[Measure] = [("targets", None)]
    out += [(f, None) for f in FIELDS]
    if tier >= 1:
        out += [(f, ("program", x)) for x in programs for f in DETAIL_FIELDS]
        out += [("both", ("pair", x, y)) for x, y in combinations(programs, 2)]
    if tier >= 2:
        out += [(f, ("agency", a)) for a in agencies for f in DETAIL_FIELDS]
    return out


def coefficient(measure: Measure, target: bool, held: frozenset[str],
                agency_of: dict[str, str], members: dict[str, frozenset[str]]) -> int:
    """How much one household of type (``target``, ``held`` programs) adds to ``measure``."""
    field, flt = measure
    if flt is not None and flt[0] == "pair":
        return int(target and flt[1] in held and flt[2] in held)
    if field == "targets":
        return int(target)
    scope = held if flt is None else held & (members[flt[1]] if flt[0] == "agency"
                                             else frozenset({flt[1]}))
    if field in ("leakage", "leakage_households"):
        if target or not scope:
            return 0
        return len(scope) if field == "leakage" else 1
    if not target:
        return 0
    if field == "gap":
        return int(not scope)
    if not scope:
        return 0
    if field == "overlap":
        return int(len(held) >= 2)
    if field == "overlap_agency":
        return int(len({agency_of[p] for p in held}) >= 2)
    return 1  # covered


def household_types(programs: Sequence[str]) -> list[tuple[bool, frozenset[str]]]:
    """Every (target, programs held) type; a non-target holding nothing counts nowhere."""
    return [(t, frozenset(s)) for t in (True, False) for k in range(len(programs) + 1)
            for s in combinations(programs, k) if t or s]


@lru_cache(maxsize=32)
def relations(agency_of: tuple[tuple[str, str], ...], tier: int
              ) -> tuple[tuple[tuple[Measure, int], ...], ...]:
    """Integer relations ``sum(coef * figure) == 0`` between the figures of one area, for the
    programs ``agency_of`` ((program, agency) pairs). A basis of all of them when there are at
    most ``MAX_EXACT_PROGRAMS`` programs, else the general ones (``general_relations``)."""
    programs = [p for p, _ in agency_of]
    agencies = sorted({a for _, a in agency_of})
    if len(programs) > MAX_EXACT_PROGRAMS:
        return general_relations(dict(agency_of), tier)
    figures = measures(programs, agencies, tier)
    owner = dict(agency_of)
    members = {a: frozenset(p for p in programs if owner[p] == a) for a in agencies}
    types = household_types(programs)
    phi = np.array([[coefficient(m, t, s, owner, members) for (t, s) in types]
                    for m in figures], dtype=np.int64)
    basis = _left_null_space(phi)
    return tuple(tuple((figures[i], int(c)) for i, c in enumerate(w) if c) for w in basis)


@lru_cache(maxsize=32)
def dominance(agency_of: tuple[tuple[str, str], ...], tier: int
              ) -> tuple[tuple[Measure, Measure], ...]:
    """Pairs (a, b) of figures of one area with a <= b whatever the households: every
    household type counts at most as much in a as in b (overlap <= covered, a pair <= each of
    its programs' covered, a pair of two agencies' programs <= overlap by agency...). Empty
    beyond ``MAX_EXACT_PROGRAMS`` (then ``general_relations``'s few suffice)."""
    programs = [p for p, _ in agency_of]
    if len(programs) > MAX_EXACT_PROGRAMS:
        return ()
    agencies = sorted({a for _, a in agency_of})
    figures = measures(programs, agencies, tier)
    owner = dict(agency_of)
    members = {a: frozenset(p for p in programs if owner[p] == a) for a in agencies}
    phi = np.array([[coefficient(m, t, s, owner, members) for (t, s) in household_types(programs)]
                    for m in figures], dtype=np.int64)
    below = (phi[:, None, :] <= phi[None, :, :]).all(axis=2)
    same = (phi[:, None, :] == phi[None, :, :]).all(axis=2)
    return tuple((figures[i], figures[j]) for i, j in zip(*np.nonzero(below & ~same), strict=True)
                 if phi[i].any())


def _left_null_space(phi: np.ndarray) -> list[list[int]]:
    """Integer vectors w with ``w @ phi == 0`` spanning all of them: from the reduced row
    echelon form of ``phi.T`` over GF(p), each free figure expressed by the pivot figures."""
    a = phi.T % PRIME
    rows, cols = a.shape
    pivots: list[int] = []
    r = 0
    for c in range(cols):
        nonzero = np.nonzero(a[r:, c])[0]
        if r >= rows or not len(nonzero):
            continue
        p = r + int(nonzero[0])
        a[[r, p]] = a[[p, r]]
        a[r] = a[r] * pow(int(a[r, c]), PRIME - 2, PRIME) % PRIME
        factors = a[:, c].copy()
        factors[r] = 0
        a = (a - np.outer(factors, a[r]) % PRIME) % PRIME
        pivots.append(c)
        r += 1
    basis = []
    for free in (c for c in range(cols) if c not in pivots):
        w = [0] * cols
        w[free] = 1
        fractions = {pc: _rational(int(-a[i, free] % PRIME)) for i, pc in enumerate(pivots)}
        scale = 1
        for _, den in fractions.values():
            scale = scale * den // gcd(scale, den)
        w = [scale * x for x in w]
        for pc, (num, den) in fractions.items():
            w[pc] = num * scale // den
        if np.any(np.array(w, dtype=np.int64) @ phi):
            raise ArithmeticError("figure relation failed its integer check")
        basis.append(w)
    return basis


def _rational(residue: int) -> tuple[int, int]:
    """The small fraction num/den congruent to ``residue`` modulo the prime (Wang's
    reconstruction); the coefficients here are small, so it exists and is unique."""
    r0, r1, s0, s1 = PRIME, residue, 0, 1
    bound = int((PRIME // 2) ** 0.5)
    while r1 > bound:
        q = r0 // r1
        r0, r1, s0, s1 = r1, r0 - q * r1, s1, s0 - q * s1
    return (r1, s1) if s1 > 0 else (-r1, -s1)


def general_relations(agency_of: dict[str, str], tier: int
                      ) -> tuple[tuple[tuple[Measure, int], ...], ...]:
    """The relations that hold for any number of programs (used beyond the exact limit):
    targets = covered + gap for every filter; leakage pairs add up over programs and over an
    agency's programs; and sum(covered_f) - covered = sum(overlap_f) - overlap over programs
    (over agencies with ``overlap_agency``): both sides count each household's extra
    programs (agencies)."""
    out: list[tuple[tuple[Measure, int], ...]] = []
    filters: list[Filter] = [None]
    programs = list(agency_of)
    agencies = sorted(set(agency_of.values()))
    if tier >= 1:
        filters += [("program", x) for x in programs]
        out.append(((("leakage", None), 1), *((("leakage", ("program", x)), -1)
                                               for x in programs)))
        out += [((("leakage", ("program", x)), 1), (("leakage_households", ("program", x)), -1))
                for x in programs]
        out.append(_extra(programs, "program", "overlap"))
    if tier >= 2:
        filters += [("agency", a) for a in agencies]
        for a in agencies:
            own = [x for x in programs if agency_of[x] == a]
            out.append(((("leakage", ("agency", a)), 1),
                        *((("leakage", ("program", x)), -1) for x in own)))
        out.append(_extra(agencies, "agency", "overlap_agency"))
    for f in filters:
        out.append(((("targets", None), 1), (("covered", f), -1), (("gap", f), -1)))
    return tuple(out)


def _extra(codes: list[str], kind: str, field: str) -> tuple[tuple[Measure, int], ...]:
    terms: list[tuple[Measure, int]] = [(("covered", None), -1), ((field, None), 1)]
    for code in codes:
        terms += [(("covered", (kind, code)), 1), ((field, (kind, code)), -1)]
    return tuple(terms)
