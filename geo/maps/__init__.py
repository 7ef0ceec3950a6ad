"""The kelurahan map, pure: the Folium page, choropleth classes, and the page's texts.

Public: ``render_page``, ``MapConfig``, ``FIGURES``, ``figure_value``, ``legend_json``,
``panel_summary`` (page); ``classify`` (classes, with mapclassify); ``texts`` (i18n).
"""

from geo.maps.classes import classify
from geo.maps.i18n import texts
from geo.maps.page import FIGURES, MapConfig, figure_value, legend_json, panel_summary, render_page

__all__ = ["FIGURES", "MapConfig", "classify", "figure_value", "legend_json", "panel_summary",
           "render_page", "texts"]
