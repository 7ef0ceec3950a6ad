"""Projection of a rollout plan: households reached, coverage before/after and budget per wave.

Arithmetic (exact, in ``Decimal``; no float enters a count or an amount):

* households reached in an area = ``floor(gap * share)``, per area: a plan never promises a
  household its money does not pay for, and an area's figure is the same whether it is read
  alone or inside its wave. A wave's reached = the sum over its areas.
* budget of a wave = reached * cost per household (rupiah, exact).
* coverage before = covered / targets over the wave's areas at the reference date; after =
  (covered + reached) / targets. No targets: the rate is ``None`` (not 0, not 100%).
* cumulative after wave k = the same over the union of waves 1..k (an area is in one wave only).
* the whole scope (every area ranked) before and after all waves, for the headline figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from geo.coverage import rate
from geo.errors import InvalidInput


@dataclass(frozen=True)
class Wave:
    order: int
    year: int
    cost_per_household: Decimal
    share: Decimal
    areas: tuple[str, ...]
    pilot: bool = False


@dataclass(frozen=True)
class Baseline:
    """Target and covered households of one area at the reference date."""

    targets: int
    covered: int

    @property
    def gap(self) -> int:
        return self.targets - self.covered


@dataclass
class Totals:
    targets: int = 0
    covered_before: int = 0
    reached: int = 0
    budget: Decimal = field(default_factory=lambda: Decimal(0))

    @property
    def gap_before(self) -> int:
        return self.targets - self.covered_before

    @property
    def covered_after(self) -> int:
        return self.covered_before + self.reached

    @property
    def rate_before(self) -> float | None:
        return rate(self.covered_before, self.targets)

    @property
    def rate_after(self) -> float | None:
        return rate(self.covered_after, self.targets)


@dataclass
class WaveProjection:
    wave: Wave
    areas: dict[str, int]  # households reached per area
    wave_totals: Totals
    cumulative: Totals


@dataclass
class Projection:
    waves: list[WaveProjection]
    scope: Totals  # every area in the baselines, after all waves


def reached(gap: int, share: Decimal) -> int:
    """``floor(gap * share)``, exactly (``0.29 * 100`` is 29, not 28.999...)."""
    return int((Decimal(gap) * Decimal(share)).to_integral_value(rounding=ROUND_FLOOR))


def validate_waves(waves: Sequence[Wave]) -> None:
    """Refuse what would make the arithmetic ambiguous, with the wave named."""
    seen: dict[str, int] = {}
    orders = [w.order for w in waves]
    if len(set(orders)) != len(orders):
        raise InvalidInput("Urutan gelombang harus unik.", {"urutan": orders})
    for wave in waves:
        if not Decimal(0) <= Decimal(wave.share) <= Decimal(1):
            raise InvalidInput(
                f"Gelombang {wave.order}: porsi kesenjangan harus antara 0 dan 1.",
                {"urutan": wave.order, "porsi_kesenjangan": str(wave.share)},
            )
        if Decimal(wave.cost_per_household) < 0:
            raise InvalidInput(f"Gelombang {wave.order}: biaya per rumah tangga negatif.",
                               {"urutan": wave.order})
        if not wave.areas:
            raise InvalidInput(f"Gelombang {wave.order}: belum ada wilayah.",
                               {"urutan": wave.order})
        for kode in wave.areas:
            if kode in seen:
                raise InvalidInput(
                    f"Wilayah {kode} ada di gelombang {seen[kode]} dan {wave.order}; "
                    "satu wilayah hanya boleh di satu gelombang.",
                    {"kode": kode, "gelombang": [seen[kode], wave.order]},
                )
            seen[kode] = wave.order


def project(waves: Sequence[Wave], baselines: Mapping[str, Baseline]) -> Projection:
    """Per wave (in order) and cumulative figures; areas without a baseline count as empty."""
    validate_waves(waves)
    empty = Baseline(0, 0)
    cumulative = Totals()
    out = []
    for wave in sorted(waves, key=lambda w: w.order):
        per_area = {k: reached(baselines.get(k, empty).gap, wave.share) for k in wave.areas}
        totals = Totals()
        for kode, count in per_area.items():
            base = baselines.get(kode, empty)
            totals.targets += base.targets
            totals.covered_before += base.covered
            totals.reached += count
        totals.budget = Decimal(totals.reached) * Decimal(wave.cost_per_household)
        cumulative = Totals(
            cumulative.targets + totals.targets,
            cumulative.covered_before + totals.covered_before,
            cumulative.reached + totals.reached,
            cumulative.budget + totals.budget,
        )
        out.append(WaveProjection(wave, per_area, totals, cumulative))
    scope = Totals(
        sum(b.targets for b in baselines.values()),
        sum(b.covered for b in baselines.values()),
        cumulative.reached,
        cumulative.budget,
    )
    return Projection(out, scope)
