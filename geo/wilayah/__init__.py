"""Areas: reading and repairing real boundary files, and which areas are neighbours.

Public: ``read_boundaries`` and ``BoundaryReport`` (boundaries: GeoJSON, GeoPackage, Shapefile to
valid MultiPolygons in EPSG:4326), ``adjacency`` and ``is_contiguous`` (adjacency: neighbours from
imperfect polygons, measured in metres). Area codes themselves live in ``geo.codes``.
"""

from geo.wilayah.adjacency import adjacency, is_contiguous
from geo.wilayah.boundaries import BoundaryReport, read_boundaries

__all__ = ["BoundaryReport", "adjacency", "is_contiguous", "read_boundaries"]
