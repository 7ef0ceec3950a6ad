"""The attacker of the suppression tests: an exact integer solver over household types.

Unknowns: how many households of each type each kelurahan has (type = target or not, and the
set of programs it is actively enrolled in), plus each program's unmatched rows. Every figure
a viewer received is a linear expression in those unknowns (its definition in domain.md, written
here independently of the product): a shown number is an equality, ``<5`` means 0-4 and
``x`` any count (docs/security.md). For each hidden figure the attacker minimises and
maximises it with an integer program (scipy's HiGHS ``milp``); the figure is *determined*
when both agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

Type = tuple[bool, frozenset[str]]
Var = tuple[str, object]  # ("atom", (kelurahan, type)) or ("unmatched", program)


def household_types(programs: Iterable[str]) -> list[Type]:
    codes = sorted(programs)
    return [(t, frozenset(s)) for t in (True, False) for k in range(len(codes) + 1)
            for s in combinations(codes, k) if t or s]


def counts(field_name: str, flt: tuple[str, ...] | None, kind: Type, agency_of: Mapping[str, str]
           ) -> int:
    """How much one household of ``kind`` adds to a figure (domain.md, independently)."""
    target, held = kind
    if flt is not None and flt[0] == "pair":
        return int(target and {flt[1], flt[2]} <= held)
    if field_name == "targets":
        return int(target)
    if flt is None:
        chosen = set(held)
    elif flt[0] == "program":
        chosen = held & {flt[1]}
    else:
        chosen = {p for p in held if agency_of[p] == flt[1]}
    if field_name == "leakage":
        return 0 if target else len(chosen)
    if field_name == "leakage_households":
        return int(not target and bool(chosen))
    if not target:
        return 0
    if field_name == "gap":
        return int(not chosen)
    if field_name == "covered":
        return int(bool(chosen))
    if field_name == "overlap":
        return int(bool(chosen) and len(held) >= 2)
    if field_name == "overlap_agency":
        return int(bool(chosen) and len({agency_of[p] for p in held}) >= 2)
    raise ValueError(field_name)


@dataclass
class Attack:
    """Published figures as linear expressions over the unknowns, with what was shown."""

    kelurahan: list[str]
    programs: Mapping[str, str]  # program -> agency
    facts: list[tuple[dict[Var, int], object, str]] = field(default_factory=list)

    def figure(self, field_name: str, flt: tuple[str, ...] | None, over: Iterable[str]
               ) -> dict[Var, int]:
        """The expression of a figure summed over the kelurahan ``over``."""
        expr: dict[Var, int] = {}
        for kel in over:
            for kind in household_types(self.programs):
                coef = counts(field_name, flt, kind, self.programs)
                if coef:
                    expr[("atom", (kel, kind))] = coef
        return expr

    def publish(self, expr: dict[Var, int], shown: object, where: str) -> None:
        """Record one published figure: an int, ``"<5"`` or ``"x"``; None (not shown) is
        recorded as no information."""
        if shown is not None and expr:
            self.facts.append((expr, shown, where))

    def determined(self) -> list[tuple[str, int]]:
        """Every hidden figure the attacker can compute exactly, with its value."""
        variables = sorted({v for expr, _, _ in self.facts for v in expr}, key=repr)
        index = {v: i for i, v in enumerate(variables)}
        rows, low, high = [], [], []
        for expr, shown, _ in self.facts:
            row = np.zeros(len(variables))
            for v, c in expr.items():
                row[index[v]] = c
            rows.append(row)
            if shown == "<5":
                low.append(0), high.append(4)
            elif shown == "x":
                low.append(0), high.append(np.inf)
            else:
                low.append(float(shown)), high.append(float(shown))  # type: ignore[arg-type]
        if not rows:
            return []
        constraint = LinearConstraint(np.array(rows), np.array(low), np.array(high))
        integrality = np.ones(len(variables))
        bounds = Bounds(np.zeros(len(variables)), np.full(len(variables), np.inf))
        feasible = milp(np.zeros(len(variables)), constraints=constraint,
                        integrality=integrality, bounds=bounds)
        if not feasible.success:  # the published figures contradict the model: a bug
            raise AssertionError(f"attacker model infeasible: {feasible.message}")
        found = []
        for (_, shown, where), row in zip(self.facts, rows, strict=True):
            if shown not in ("<5", "x"):
                continue
            low_end = milp(row, constraints=constraint, integrality=integrality, bounds=bounds)
            high_end = milp(-row, constraints=constraint, integrality=integrality,
                            bounds=bounds)
            if not high_end.success:  # unbounded above: not determined
                continue
            if abs(low_end.fun + high_end.fun) < 0.5:
                found.append((where, round(low_end.fun)))
        return found


def honest(shown: object, true: int) -> bool:
    """A published count tells no lie and hides every 1-4: the number itself, ``<5`` for a
    count under five, or ``x``."""
    if 1 <= true <= 4:
        return shown in ("<5", "x")
    return shown == true or shown == "x" or (shown == "<5" and true < 5)
