"""Areas in PostGIS: loading boundaries (then re-geocoding the registry) and listing areas.

Public: ``load_boundaries``, ``list_wilayah``, ``wilayah_geojson`` (areas).
"""

from app.services.wilayah.areas import list_wilayah, load_boundaries, wilayah_geojson

__all__ = ["list_wilayah", "load_boundaries", "wilayah_geojson"]
