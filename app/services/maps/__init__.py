"""The map's data in PostGIS: classified kelurahan figures, program layers, hexagons for roles
that may not see households, the page's configuration, and household vector tiles.

Public: ``area_figures``, ``program_layers``, ``hexagon_aggregate``, ``MapFilter`` (data);
``page_config``, ``POLYGON_TOLERANCE``, ``OUTLINE_TOLERANCE`` (page); ``household_tile``,
``TileFilter`` (tiles, cut by ``ST_AsMVT``).
"""

from app.services.maps.data import MapFilter, area_figures, hexagon_aggregate, program_layers
from app.services.maps.page import OUTLINE_TOLERANCE, POLYGON_TOLERANCE, page_config
from app.services.maps.tiles import TileFilter, household_tile

__all__ = ["OUTLINE_TOLERANCE", "POLYGON_TOLERANCE", "MapFilter", "TileFilter", "area_figures",
           "hexagon_aggregate", "household_tile", "page_config", "program_layers"]
