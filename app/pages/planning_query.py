"""What the Perencanaan pages read from the address: the coverage filters (same names as the
map and the table: ``ref_date``, ``desil_max``, ``kecamatan``), the poverty line (``garis``) and
the score weights (``bobot_<component>``, in percent points), each bad value answered by a
message next to its field while the page uses the default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from app.pages.forms import read_filter
from app.principal import Principal
from app.services.rollout import Scope
from geo.errors import InvalidInput
from geo.io import validation
from geo.rollout import COMPONENTS, DEFAULT_WEIGHTS, resolve_weights

HUNDRED = Decimal(100)


def weight_points(weights: Mapping[str, float]) -> dict[str, str]:
    """Weights as the form shows them: ``0.3`` -> ``"30"``."""
    return {k: format((Decimal(str(weights[k])) * HUNDRED).normalize(), "f").replace(".", ",")
            for k in COMPONENTS if k in weights}


@dataclass
class RankingQuery:
    ref_date: date
    desil_max: int
    parent: str | None
    line: float
    line_text: str
    points: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def scope(self, principal: Principal) -> Scope:
        return Scope(parent=self.parent, ref_date=self.ref_date, desil_max=self.desil_max,
                     poverty_line=self.line, area_prefixes=principal.area_prefixes)

    def params(self) -> dict[str, str]:
        """The query parameters that reproduce this ranking (for links between the pages)."""
        values = {"ref_date": self.ref_date.isoformat(), "desil_max": str(self.desil_max),
                  "kecamatan": self.parent or "", "garis": self.line_text}
        values |= {f"bobot_{k}": v for k, v in weight_points(self.weights).items()}
        return {k: v for k, v in values.items() if v}

    def query(self, **extra: Any) -> str:
        merged: dict[str, Any] = {**self.params(), **extra}
        return urlencode({k: v for k, v in merged.items() if v is not None and v != ""})


def read_query(params: Mapping[str, Any], default_desil: int, default_line: float
               ) -> RankingQuery:
    flt = read_filter(QueryParams({k: v for k, v in params.items() if isinstance(v, str)}),
                      default_desil, {})
    errors = {k: v for k, v in flt.errors.items() if k in ("ref_date", "desil_max", "kecamatan")}
    line_text = str(params.get("garis") or "").strip()
    line = default_line
    if line_text:
        value, problem = validation.decimal_at_least(line_text, Decimal(1))
        if problem:
            errors["garis"] = "Garis kemiskinan: " + problem + "."
        else:
            line = float(value)
    points = weight_points(DEFAULT_WEIGHTS)
    weights = dict(DEFAULT_WEIGHTS)
    for name in COMPONENTS:
        raw = str(params.get(f"bobot_{name}") or "").strip()
        if not raw:
            continue
        points[name] = raw
        value, problem = validation.decimal_at_least(raw, Decimal(0), HUNDRED)
        if problem:
            errors[f"bobot_{name}"] = "Bobot " + problem + "."
        else:
            weights[name] = float(value / HUNDRED)
    try:
        weights = resolve_weights(weights)
    except InvalidInput as exc:
        errors["bobot"] = exc.message
        weights = dict(DEFAULT_WEIGHTS)
    return RankingQuery(flt.ref_date, flt.desil_max, flt.parent, line,
                        line_text if "garis" not in errors else "", points, errors, weights)
