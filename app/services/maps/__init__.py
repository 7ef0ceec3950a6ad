"""The map's data in PostGIS: classified area figures, one area's panel, program layers,
hexagons for roles that may not see households, the page's configuration, household vector
tiles, and the map image and PDF report.

Public: ``area_figures``, ``program_layers``, ``hexagon_aggregate``, ``MapFilter``,
``Classing`` (data); ``area_detail`` (detail); ``page_config``, ``basemaps``,
``filter_choices`` (the filters' choices, shared with the pages), ``POLYGON_TOLERANCE``,
``OUTLINE_TOLERANCE`` (page); ``household_tile``, ``area_tables``, ``area_tile``,
``draws_points``, ``check_tile``, ``TileFilter``, ``POINT_MIN_ZOOM`` (tiles, cut by
``ST_AsMVT``: points when zoomed in, area aggregates above); ``map_png``, ``report_pdf``,
``report_data``, ``ReportScope`` (report: the map as a picture, the area's PDF report).
"""

from app.services.maps.data import (
    Classing,
    MapFilter,
    area_figures,
    hexagon_aggregate,
    program_layers,
)
from app.services.maps.detail import area_detail
from app.services.maps.page import (
    OUTLINE_TOLERANCE,
    POLYGON_TOLERANCE,
    basemaps,
    filter_choices,
    page_config,
)
from app.services.maps.report import ReportScope, map_png, report_data, report_pdf
from app.services.maps.tiles import (
    POINT_MIN_ZOOM,
    TileFilter,
    area_tables,
    area_tile,
    check_tile,
    draws_points,
    household_tile,
)

__all__ = ["OUTLINE_TOLERANCE", "POINT_MIN_ZOOM", "POLYGON_TOLERANCE", "Classing", "MapFilter",
           "ReportScope", "TileFilter", "area_detail", "area_figures", "area_tables", "area_tile",
           "basemaps", "check_tile", "draws_points", "filter_choices", "hexagon_aggregate",
           "household_tile", "map_png", "page_config", "program_layers", "report_data",
           "report_pdf"]
