"""An area-bound household import: where each staged row came from, and the rows refused for
lying outside the uploader's area (``app/sql/registry/outside_area.sql`` finds them)."""

from __future__ import annotations

from dataclasses import dataclass

from geo.codes import OUTSIDE_AREA
from geo.io import Chunk, Frame, Problem, Rejection

Origin = tuple[int, Chunk | Frame, int]  # file row number, its batch, position in the batch


@dataclass
class Area:
    """An area-bound import's patterns and where the current chunk's rows came from."""

    patterns: list[str]
    origin: dict[str, Origin]

    def refuse(self, ids: list[str]) -> list[Rejection]:
        out = []
        for key in ids:
            number, batch, position = self.origin[key]
            chunk = batch.chunk([position]) if isinstance(batch, Frame) else batch
            data = chunk.original(0 if isinstance(batch, Frame) else position) if chunk else {}
            out.append(Rejection(number, [Problem("kode_kelurahan", OUTSIDE_AREA)], data))
        return sorted(out, key=lambda r: r.row_number)
