"""Choropleth classification of a kelurahan figure (pure: plain values in, classes out).

Classes come from mapclassify (quantiles, natural breaks = Fisher-Jenks, equal interval); colours
from ColorBrewer's YlOrRd, a sequential palette that stays readable for the common colour-vision
deficiencies. Areas without a value (no target households, no expenditure data) get their own
"no data" class, drawn grey, and are never folded into the lowest class.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import mapclassify
import numpy as np

from geo.errors import InvalidInput

SCHEMES = {
    "quantiles": mapclassify.Quantiles,
    "natural_breaks": mapclassify.FisherJenks,
    "equal_interval": mapclassify.EqualInterval,
}
# ColorBrewer YlOrRd, sequential, colour-blind safe (colorbrewer2.org), 3 to 7 classes.
YLORRD = {
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
}
NO_DATA_COLOR = "#d9d9d9"
MIN_K, MAX_K = 3, 7


@dataclass(frozen=True)
class LegendClass:
    lower: float | None
    upper: float | None
    color: str
    count: int


@dataclass
class Classification:
    """``class_of`` maps each code to its class index, or None for no data."""

    scheme: str
    classes: list[LegendClass]
    class_of: dict[str, int | None]
    no_data_count: int
    no_data_color: str = NO_DATA_COLOR
    colors: dict[str, str] = field(default_factory=dict)


def _has_value(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def classify(values: dict[str, float | None], scheme: str = "quantiles", k: int = 5) -> (
        Classification):
    """Classify the codes' values into at most ``k`` classes (fewer when there are fewer
    distinct values). Class intervals are (lower, upper]; the first one includes its minimum."""
    if scheme not in SCHEMES:
        raise InvalidInput(f"Skema klasifikasi '{scheme}' tidak dikenal; pilih salah satu: "
                           f"{', '.join(SCHEMES)}.")
    if not MIN_K <= k <= MAX_K:
        raise InvalidInput(f"Jumlah kelas harus {MIN_K}-{MAX_K}, bukan {k}.")
    known = {kode: float(v) for kode, v in values.items() if _has_value(v)}  # type: ignore[arg-type]
    no_data = len(values) - len(known)
    if not known:
        return Classification(scheme, [], dict.fromkeys(values), no_data)
    upper_bounds = _upper_bounds(np.array(list(known.values())), scheme, k)
    palette = _palette(len(upper_bounds))
    class_of: dict[str, int | None] = dict.fromkeys(values)
    counts = [0] * len(upper_bounds)
    for kode, value in known.items():
        idx = next(i for i, ub in enumerate(upper_bounds) if value <= ub)
        class_of[kode] = idx
        counts[idx] += 1
    lowers = [min(known.values()), *upper_bounds[:-1]]
    classes = [LegendClass(lo, up, palette[i], counts[i])
               for i, (lo, up) in enumerate(zip(lowers, upper_bounds, strict=True))]
    colors = {kode: NO_DATA_COLOR if idx is None else palette[idx] for kode, idx in
              class_of.items()}
    return Classification(scheme, classes, class_of, no_data, colors=colors)


def _upper_bounds(data: np.ndarray, scheme: str, k: int) -> list[float]:
    distinct = np.unique(data)
    if len(distinct) <= k:
        # Too few distinct values to split further: one class per value.
        return [float(v) for v in distinct]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify warns when quantiles collapse; handled below
        bins = SCHEMES[scheme](data, k=k).bins
    bounds = sorted({float(b) for b in bins})
    bounds[-1] = max(bounds[-1], float(data.max()))
    return bounds


def _palette(n: int) -> list[str]:
    if n >= MIN_K:
        return YLORRD[n]
    return YLORRD[MIN_K][-n:] if n == 1 else [YLORRD[MIN_K][0], YLORRD[MIN_K][2]]
