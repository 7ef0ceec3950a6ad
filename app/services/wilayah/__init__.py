"""Areas in PostGIS: loading boundaries (then re-geocoding the registry) and listing areas.

Public: ``load_boundaries``, ``list_wilayah``, ``area_names``, ``scope_name``, ``wilayah_geojson``,
``wilayah_geojson_text`` (areas; the GeoJSON kept in memory per version of the table).
"""

from app.services.wilayah.areas import (
    area_names,
    list_wilayah,
    load_boundaries,
    scope_name,
    wilayah_geojson,
    wilayah_geojson_text,
)

__all__ = ["area_names", "list_wilayah", "load_boundaries", "scope_name", "wilayah_geojson",
           "wilayah_geojson_text"]
