"""Which kelurahan/desa are neighbours, from real (imperfect) boundary polygons.

Real boundaries overlap in thin slivers, leave hairline gaps, and meet at near-four-corner
junctions. Plain ``intersects`` makes two areas that only touch at one corner (or through a
sliver) neighbours; a large buffer joins areas that are separated by a short third boundary.
The rule here measures how much boundary two areas really share:

* all geometries are projected to the local UTM zone (from the centroid of all areas), so the
  tolerances are metres;
* the *shared boundary* of A and B is the length of A's boundary lying within ``snap_m`` metres
  of B, and the same from B's side; the smaller of the two counts (a sliver spike of A that
  pokes into B is short on B's side, so it does not count);
* A and B are neighbours when that shared boundary is at least ``min_shared_m`` metres.

A contact at a single point gives a shared length of about ``2 * snap_m`` (the boundary near
the point), a hairline gap narrower than ``snap_m`` is bridged, and a real common border of a
road's width or more passes. Input geometries are EPSG:4326 (lon, lat).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

DEFAULT_SNAP_M = 5.0
DEFAULT_MIN_SHARED_M = 40.0


@dataclass(frozen=True)
class Contact:
    """Two areas within ``snap_m`` of each other; ``neighbours`` applies the length rule."""

    a: str
    b: str
    shared_m: float
    overlap_m2: float
    gap_m: float
    neighbours: bool


def utm_epsg(lon: float, lat: float) -> int:
    """The WGS84 / UTM zone EPSG code containing (lon, lat)."""
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return (32700 if lat < 0 else 32600) + zone


def to_metric(areas: Mapping[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    """Project lon/lat geometries to the UTM zone of their common centroid, repairing
    invalid ones (metre tolerances are meaningless on a self-intersecting ring)."""
    if not areas:
        return {}
    centre = shapely.union_all(list(areas.values())).centroid
    transformer = Transformer.from_crs(4326, utm_epsg(centre.x, centre.y), always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return {
        kode: shapely.make_valid(shapely.transform(geom, project)) for kode, geom in areas.items()
    }


def contacts(
    areas: Mapping[str, BaseGeometry],
    snap_m: float = DEFAULT_SNAP_M,
    min_shared_m: float = DEFAULT_MIN_SHARED_M,
) -> list[Contact]:
    """Every pair of areas closer than ``snap_m`` metres, with its shared boundary length,
    sliver overlap area and gap, ordered by code pair. Geometries in EPSG:4326."""
    metric = to_metric(areas)
    codes = sorted(metric)
    geoms = [metric[k] for k in codes]
    buffered = [g.buffer(snap_m) for g in geoms]
    boundaries = [g.boundary for g in geoms]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=snap_m)
    found = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        shared = min(
            boundaries[i].intersection(buffered[j]).length,
            boundaries[j].intersection(buffered[i]).length,
        )
        found.append(
            Contact(
                a=codes[i],
                b=codes[j],
                shared_m=shared,
                overlap_m2=geoms[i].intersection(geoms[j]).area,
                gap_m=geoms[i].distance(geoms[j]),
                neighbours=shared >= min_shared_m,
            )
        )
    return sorted(found, key=lambda c: (c.a, c.b))


def adjacency(
    areas: Mapping[str, BaseGeometry],
    snap_m: float = DEFAULT_SNAP_M,
    min_shared_m: float = DEFAULT_MIN_SHARED_M,
) -> dict[str, set[str]]:
    """The neighbour graph: every area code maps to the set of its neighbours (maybe empty)."""
    graph: dict[str, set[str]] = {kode: set() for kode in areas}
    for contact in contacts(areas, snap_m, min_shared_m):
        if contact.neighbours:
            graph[contact.a].add(contact.b)
            graph[contact.b].add(contact.a)
    return graph


def is_contiguous(codes: set[str] | list[str], graph: Mapping[str, set[str]]) -> bool:
    """True when the areas form one connected piece of the neighbour graph."""
    wanted = set(codes)
    if not wanted:
        return False
    start = next(iter(sorted(wanted)))
    seen = {start}
    stack = [start]
    while stack:
        for other in graph.get(stack.pop(), set()) & wanted:
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen == wanted
