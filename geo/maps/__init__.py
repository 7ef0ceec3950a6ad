"""The kelurahan map, pure: the Folium page, choropleth classes, and the page's texts.

Public: ``render_page``, ``MapConfig``, ``FIGURES``, ``COUNT_FIGURES``, ``HEX_FIGURES``,
``LEVELS``, ``figure_value``, ``legend_json``, ``panel_summary``, ``render_parts`` (page);
``classify``, ``SCHEMES``, ``RAMPS`` (classes, with mapclassify and matplotlib's ramps);
``texts`` (i18n).
"""

from geo.maps.classes import RAMPS, SCHEMES, classify
from geo.maps.i18n import texts
from geo.maps.page import (
    COUNT_FIGURES,
    FIGURES,
    HEX_FIGURES,
    LEVELS,
    MapConfig,
    figure_value,
    legend_json,
    panel_summary,
    render_page,
    render_parts,
)

__all__ = ["COUNT_FIGURES", "FIGURES", "HEX_FIGURES", "LEVELS", "RAMPS", "SCHEMES", "MapConfig",
           "classify", "figure_value", "legend_json", "panel_summary", "render_page",
           "render_parts", "texts"]
