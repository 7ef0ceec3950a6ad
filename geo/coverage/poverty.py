"""Protecting the poverty figures of small areas, pure.

Two things, for roles that may not see persons:

- the registry counts per area (households with and without expenditure, all households,
  persons) get the same protection as the coverage counts (``geo.coverage.publication``):
  ``<5``/``x``, consistent over every level;
- the FGT indices P0, P1, P2 of an area are withheld (None, with the reason) when fewer than 5
  of its households report expenditure, or 1-4 of them are poor: with one poor household, P1
  gives its expenditure away (P1 = 0.0939 -> y = Rp 400,000). An area's indices are a
  persons-weighted mean of its sub-areas', so a withheld area may not be the only one withheld
  in its parent's sum: complementary withholding follows the same rule as the counts (no sum
  with a single withheld part), which for a tree of sums is enough.
"""

from __future__ import annotations

from collections.abc import Mapping

from geo.coverage.publication import ROOT, parents
from geo.coverage.suppression import SHOWN, Table, protect

COUNTS = ("households", "households_without_expenditure", "persons")
MIN_HOUSEHOLDS = 5
WITHHELD_REASON = ("P0-P2 tidak ditampilkan: kurang dari 5 rumah tangga dengan data pengeluaran "
                   "atau kurang dari 5 rumah tangga miskin di wilayah ini (atau di wilayah lain "
                   "yang dapat menghitungnya kembali).")


def too_small(households: int, poor: int) -> bool:
    """The primary rule for withholding an area's FGT indices."""
    return households < MIN_HOUSEHOLDS or 1 <= poor < MIN_HOUSEHOLDS


class PovertyPattern:
    """Protection of the registry counts and of the FGT indices for every area of a scope,
    built from the kelurahan figures ``leaves[kode]`` (``households``,
    ``households_without_expenditure``, ``persons``, ``poor_households``)."""

    def __init__(self, leaves: Mapping[str, Mapping[str, int]]):
        self.nodes: dict[str, dict[str, int]] = {}
        children: dict[str, set[str]] = {}
        for kode, figures in leaves.items():
            chain = [kode, *parents(kode)]
            for child, parent in zip(chain, chain[1:], strict=False):
                children.setdefault(parent, set()).add(child)
            for node in chain:
                into = self.nodes.setdefault(node, dict.fromkeys((*COUNTS, "poor_households"), 0))
                for key in into:
                    into[key] += int(figures.get(key, 0))
        self.children = {n: sorted(k) for n, k in children.items()}
        self._counts(leaves)
        self.withheld = self._withhold()

    def _counts(self, leaves: Mapping[str, Mapping[str, int]]) -> None:
        table = Table()
        self.cells: dict[tuple[str, str], int] = {}
        for node, figures in self.nodes.items():
            for key in COUNTS:
                self.cells[(key, node)] = table.cell(figures[key])
            every = table.cell(figures["households"] + figures["households_without_expenditure"])
            self.cells[("all_households", node)] = every
            table.equal([(1, every), (-1, self.cells[("households", node)]),
                         (-1, self.cells[("households_without_expenditure", node)])])
            table.at_least([(1, self.cells[("persons", node)]),
                            (-1, self.cells[("households", node)])])
        for node, kids in self.children.items():
            for key in (*COUNTS, "all_households"):
                table.equal([(1, self.cells[(key, node)]),
                             *((-1, self.cells[(key, kid)]) for kid in kids)])
        self.table = table
        self.status = protect(table)

    def _withhold(self) -> set[str]:
        hidden = {n for n, f in self.nodes.items()
                  if too_small(f["households"], f["poor_households"])}
        changed = True
        while changed:
            changed = False
            for node, kids in sorted(self.children.items()):
                if len(kids) < 2:  # one child: the same figures, the same fate
                    if (node in hidden) != (kids[0] in hidden):
                        hidden |= {node, kids[0]}
                        changed = True
                    continue
                group = [node, *kids]
                if sum(1 for n in group if n in hidden) == 1:
                    shown = [n for n in kids if n not in hidden] or [node]
                    hidden.add(max(shown, key=lambda n: (self.nodes[n]["households"], n)))
                    changed = True
        return hidden

    def label(self, key: str, node: str) -> str | None:
        """``<5``/``x`` for a hidden count, None when shown."""
        cell = self.cells.get((key, node or ROOT))
        if cell is None or self.status[cell] == SHOWN:
            return None
        return "<5" if self.table.values[cell] < 5 else "x"

    def fgt_withheld(self, node: str) -> bool:
        return (node or ROOT) in self.withheld
