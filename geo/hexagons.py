"""The H3 cell of each household point, stored with the household (``household.h3_cell``).

The hexagon aggregate that roles without person access see instead of points counts target
households per cell. Computing each household's cell at request time meant reading every
target household into Python (340,000 rows and h3 calls at 1 M households, ~1.9 s); stored at
import it is one GROUP BY in the database (~0.5 s). Resolution 8 (~0.7 km² cells) is the one
the map uses and its coarser parents are derived from it; a finer one is computed from the
points.
"""

from __future__ import annotations

from collections.abc import Sequence

STORED_RESOLUTION = 8


def cells_of(lon: Sequence[float], lat: Sequence[float],
             resolution: int = STORED_RESOLUTION) -> list[int | None]:
    """The cell of each point (EPSG:4326); None where the point is missing (NaN)."""
    # Imported here: the import path is also the CLI's (sasaran check), which starts without
    # the map's libraries (tests/platform/test_cli_startup.py).
    from h3.api import basic_int as h3_int

    to_cell = h3_int.latlng_to_cell
    return [None if y != y else to_cell(y, x, resolution)  # NaN != NaN: no coordinates
            for x, y in zip(lon, lat, strict=True)]
