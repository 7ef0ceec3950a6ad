"""Choropleth classification of an area figure (pure: plain values in, classes out).

Methods: quantiles, natural breaks (Fisher-Jenks) and equal interval from mapclassify; pretty
breaks (round numbers: 1, 2, 2.5 or 5 times a power of ten) from matplotlib's ``MaxNLocator``,
the same "nice number" rule as R's ``pretty()``. Ramps are sequential colour maps that stay
readable with the common colour-vision deficiencies (ColorBrewer YlOrRd, YlGnBu and Blues;
viridis, cividis), sampled by matplotlib, the lightest colour for the lowest class.

Counts (households) get integer class bounds: values are whole numbers, so a class
``(56.8, 62.4]`` is written ``57 – 62`` (from its smallest member upwards). Areas without a
value (no target households, no expenditure data) get their own "no data" class; areas whose
value is hidden as a small count (``<5``) get their own "<5" class: neither is ever folded into
the lowest class, and a hidden value never moves a class bound.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import mapclassify
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_hex
from matplotlib.ticker import MaxNLocator

from geo.coverage import SMALL
from geo.errors import InvalidInput

SCHEMES = ("quantiles", "natural_breaks", "equal_interval", "pretty")
_MAPCLASSIFY = {"quantiles": mapclassify.Quantiles, "natural_breaks": mapclassify.FisherJenks,
                "equal_interval": mapclassify.EqualInterval}
# Ramp name -> matplotlib colour map; all sequential and colour-blind safe.
RAMPS = {"YlOrRd": "YlOrRd", "YlGnBu": "YlGnBu", "Blues": "Blues", "viridis": "viridis_r",
         "cividis": "cividis_r"}
DEFAULT_RAMP = "YlOrRd"
NO_DATA_COLOR = "#e0e0e0"
SUPPRESSED_COLOR = "#9e9e9e"
SUPPRESSED = SMALL  # the one spelling of a hidden small count
MIN_K, MAX_K = 3, 7


@dataclass(frozen=True)
class LegendClass:
    lower: float | None
    upper: float | None
    color: str
    count: int


@dataclass
class Classification:
    """``class_of`` maps each code to its class index, or None (no data or suppressed)."""

    scheme: str
    classes: list[LegendClass]
    class_of: dict[str, int | None]
    no_data_count: int
    suppressed_count: int = 0
    integer: bool = False
    ramp: str = DEFAULT_RAMP
    no_data_color: str = NO_DATA_COLOR
    suppressed_color: str = SUPPRESSED_COLOR
    colors: dict[str, str] = field(default_factory=dict)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, str):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def check_choice(scheme: str, k: int, ramp: str) -> None:
    if scheme not in SCHEMES:
        raise InvalidInput(f"Metode klasifikasi '{scheme}' tidak dikenal; pilih salah satu: "
                           f"{', '.join(SCHEMES)}.")
    if not MIN_K <= k <= MAX_K:
        raise InvalidInput(f"Jumlah kelas harus {MIN_K}-{MAX_K}, bukan {k}.")
    if ramp not in RAMPS:
        raise InvalidInput(f"Palet warna '{ramp}' tidak dikenal; pilih salah satu: "
                           f"{', '.join(RAMPS)}.")


def classify(values: dict[str, Any], scheme: str = "quantiles", k: int = 5, *,
             integer: bool = False, ramp: str = DEFAULT_RAMP) -> Classification:
    """Classify the codes' values into at most ``k`` classes (fewer when there are fewer
    distinct values; pretty breaks may give one more or less). A value ``"<5"`` is a hidden
    small count; None or NaN is no data. Class intervals are (lower, upper]; the first one
    includes its minimum; with ``integer`` every bound is a whole number."""
    check_choice(scheme, k, ramp)
    known = {kode: n for kode, v in values.items() if (n := _number(v)) is not None}
    hidden = sum(1 for v in values.values() if v == SUPPRESSED)
    no_data = len(values) - len(known) - hidden
    base = Classification(scheme, [], dict.fromkeys(values), no_data, hidden, integer, ramp)
    if known:
        _fill(base, known, scheme, k)
    base.colors = {kode: _color_of(base, kode, values[kode]) for kode in values}
    return base


def _fill(cls: Classification, known: dict[str, float], scheme: str, k: int) -> None:
    data = np.array(list(known.values()))
    upper = _upper_bounds(data, scheme, k, cls.integer)
    palette = ramp_colors(cls.ramp, len(upper))
    counts = [0] * len(upper)
    smallest: list[float | None] = [None] * len(upper)
    for kode, value in known.items():
        idx = next(i for i, ub in enumerate(upper) if value <= ub)
        cls.class_of[kode] = idx
        counts[idx] += 1
        least = smallest[idx]
        smallest[idx] = value if least is None else min(value, least)
    # Counts: a class is written from its smallest member (no "1 – 20" when the 1-4 are hidden,
    # "353" for a class of one value); rates: from the previous class's upper bound.
    lowers = [float(data.min()), *upper[:-1]]
    if cls.integer:
        lowers = [low if s is None else s for low, s in zip(
            [float(data.min()), *[ub + 1 for ub in upper[:-1]]], smallest, strict=True)]
    cls.classes = [LegendClass(lo, up, palette[i], counts[i])
                   for i, (lo, up) in enumerate(zip(lowers, upper, strict=True))]


def _color_of(cls: Classification, kode: str, value: Any) -> str:
    idx = cls.class_of.get(kode)
    if idx is not None:
        return cls.classes[idx].color
    return cls.suppressed_color if value == SUPPRESSED else cls.no_data_color


def _upper_bounds(data: np.ndarray, scheme: str, k: int, integer: bool) -> list[float]:
    distinct = np.unique(data)
    if len(distinct) <= k:
        # Too few distinct values to split further: one class per value.
        return [float(v) for v in distinct]
    if scheme == "pretty":
        bins = _pretty_bins(float(data.min()), float(data.max()), k, integer)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mapclassify warns when quantiles collapse
            bins = [float(b) for b in _MAPCLASSIFY[scheme](data, k=k).bins]
    if integer:
        bins = [float(math.floor(b)) for b in bins]
    bounds = sorted({b for b in bins if b >= data.min()} | {float(data.max())})
    return [b for b in bounds if b <= data.max()]


def _pretty_bins(low: float, high: float, k: int, integer: bool) -> list[float]:
    """Round-number breaks strictly inside (low, high): the finest "nice" step that gives at
    most ``k`` classes (a range rarely splits into exactly ``k`` round steps)."""
    best: list[float] = []
    for nbins in range(k, 2 * k + 1):
        ticks = MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10], integer=integer).tick_values(
            low, high)
        inner = [float(t) for t in ticks if low < t < high]
        if len(inner) + 1 > k:
            break
        best = inner
    return best


def ramp_colors(ramp: str, n: int) -> list[str]:
    """``n`` colours of ``ramp``, light to dark; a single class takes the middle colour."""
    cmap = colormaps[RAMPS[ramp]]
    if n == 1:
        return [to_hex(cmap(0.6))]
    return [to_hex(cmap(0.12 + 0.8 * i / (n - 1))) for i in range(n)]
