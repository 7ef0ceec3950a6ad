"""Complementary suppression holds against an attacker who solves the published relations.

Small, sparse cities (many kelurahan with 0-3 households, a few large ones) are generated from
household types; every figure a viewer can receive (each area's seven all-program counts at
every level, and the whole scope's per-program, pair, per-agency and service-area figures) is
published through ``geo.coverage.publication``; the attacker (``suppression_attack``, an exact
integer solver written independently of the product) then tries to pin every hidden figure.
Primary suppression alone (``<5`` only) fails this test: the first case below is the review's
"targets 119, covered <5, gap 115".
"""

from __future__ import annotations

import random
from itertools import product

import pytest
from suppression_attack import Attack, counts, honest

from geo.coverage.linear import pinned
from geo.coverage.measures import measures
from geo.coverage.publication import Figures, Publication, parents
from geo.coverage.suppression import SHOWN, Table, protect

PROGRAMS = {"X": "A", "Y": "A", "Z": "B"}
SERVICE = {"Z": ["64.74.01.1001", "64.74.02.1002", "64.74.02.1003"]}


def city(seed: int, programs: dict[str, str], sizes=(0, 1, 2, 3, 6, 10, 30)):
    rng = random.Random(seed)
    households: dict[str, list[tuple[bool, frozenset[str]]]] = {}
    for kec in ("64.74.01", "64.74.02"):
        for i in range(5):
            kinds = []
            for _ in range(rng.choice(sizes)):
                target = rng.random() < 0.5
                held = frozenset(p for p in programs if rng.random() < 0.35)
                if target or held:
                    kinds.append((target, held))
            households[f"{kec}.{1001 + i}"] = kinds
    return households


def publish(households, programs, service):
    every = measures(sorted(programs), sorted(set(programs.values())), 2)
    leaves = {kel: {m: sum(counts(m[0], m[1], h, programs) for h in kinds) for m in every}
              for kel, kinds in households.items()}
    figures = Figures(leaves, programs, service)
    tier0 = Publication(figures, 0)
    return Publication(figures, 2, Publication(figures, 1, tier0))


def attack(households, programs, service, pub) -> tuple[Attack, list]:
    attacker = Attack(sorted(households), programs)
    under: dict[str, set[str]] = {}
    for kel in households:
        for node in (kel, *parents(kel)):
            under.setdefault(node, set()).add(kel)
    for (measure, node), _ in pub.cells.items():
        field, flt = measure
        if flt is not None and flt[0] == "service":
            source = None if field == "targets" else ("program", flt[1])
            expr = attacker.figure(field, source, under[node] & set(service[flt[1]]))
        else:
            expr = attacker.figure(field, flt, under[node])
        shown = pub.label(measure, node) or pub.value(measure, node)
        assert honest(shown, pub.value(measure, node))
        attacker.publish(expr, shown, f"{field} {flt or ''} @ {node or 'semua'}")
    return attacker, attacker.determined()


def test_primary_suppression_alone_gives_small_counts_away():
    """The review's case, as a table: targets 119 shown, covered <5, gap 115 shown."""
    households = {"64.74.01.1001": [(True, frozenset())] * 115 + [(True, frozenset("X"))] * 4,
                  "64.74.01.1002": [(True, frozenset())] * 50 + [(True, frozenset("X"))] * 20}
    programs = {"X": "A"}
    pub = publish(households, programs, {})
    naive = Attack(sorted(households), programs)
    for (measure, node), _ in pub.cells.items():
        value = pub.value(measure, node)
        if measure[1] is None:
            expr = naive.figure(measure[0], None, {k for k in households if k.startswith(node)})
            naive.publish(expr, "<5" if 1 <= value <= 4 else value, f"{measure[0]} @ {node}")
    assert ("covered @ 64.74.01.1001", 4) in naive.determined()
    _, found = attack(households, programs, {}, pub)
    assert found == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_hidden_figure_of_a_sparse_city_can_be_computed(seed):
    households = city(seed, PROGRAMS)
    pub = publish(households, PROGRAMS, SERVICE)
    _, found = attack(households, PROGRAMS, SERVICE, pub)
    # A hidden zero that the others show to be zero reveals no household.
    assert [(where, value) for where, value in found if value != 0] == []
    assert any(s != SHOWN for s in pub.status)


def test_exactly_two_programs_of_two_agencies():
    """With two programs, overlap = the pair count = each program's overlap: relations the
    attacker uses; the protection must know them too."""
    programs = {"X": "A", "Y": "B"}
    households = city(3, programs)
    _, found = attack(households, programs, {}, publish(households, programs, {}))
    assert [(where, value) for where, value in found if value != 0] == []


def test_a_count_found_only_by_chaining_two_sums_is_protected():
    """Two published sums over the same small counts, one holding one more: p + q = 5 and
    p + q + h = 8. Each sum holds two or three hidden counts and no interval argument pins
    one (p, q, h of 1-4 fit either sum alone many ways), but their difference gives h = 3.
    Only exact elimination sees it; the attacker here tries every value a published label
    allows (``<5`` = 0-4, ``x`` = 0-30, ample for sums of 5 and 8) against both sums."""
    values = {"p": 2, "q": 3, "h": 3, "sum_pq": 5, "sum_pqh": 8}
    table = Table()
    cell = {name: table.cell(v) for name, v in values.items()}
    table.equal([(1, cell["p"]), (1, cell["q"]), (-1, cell["sum_pq"])])
    table.equal([(1, cell["p"]), (1, cell["q"]), (1, cell["h"]), (-1, cell["sum_pqh"])])
    small = {cell[n] for n in ("p", "q", "h")}
    # The case is one for elimination: interval reasoning alone pins nothing under <5 = 1-4.
    assert pinned(table.values, dict.fromkeys(small, (1.0, 4.0)), table.equalities, []) == set()

    status = dict(zip(values, protect(table), strict=True))
    hidden = [n for n, s in status.items() if s != SHOWN]
    assert {"p", "q", "h"} <= set(hidden)
    ranges = [range(5) if values[n] < 5 else range(31) for n in hidden]
    shown = {n: v for n, v in values.items() if status[n] == SHOWN}
    solutions = []
    for guess in product(*ranges):
        full = {**shown, **dict(zip(hidden, guess, strict=True))}
        if (full["p"] + full["q"] == full["sum_pq"]
                and full["p"] + full["q"] + full["h"] == full["sum_pqh"]):
            solutions.append(full)
    assert solutions
    for name in hidden:
        assert len({s[name] for s in solutions}) > 1, f"{name} = {values[name]} follows"
