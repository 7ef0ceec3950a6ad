"""Which areas and which figures a priority ranking, a pilot choice or a reach covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from geo.errors import InvalidInput


@dataclass(frozen=True)
class Scope:
    """Which areas and which figures: ``parent`` is a code prefix (``64.74``) or None."""

    parent: str | None
    ref_date: date
    desil_max: int
    poverty_line: float
    area_prefixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.desil_max <= 10:
            raise InvalidInput("desil_maks harus 1-10.", {"desil_maks": self.desil_max})
        if self.poverty_line <= 0:
            raise InvalidInput("Garis kemiskinan harus lebih dari nol.")
