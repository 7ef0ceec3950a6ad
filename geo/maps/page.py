"""The kelurahan map page as a folium Figure (pure: configuration in, HTML document out).

The page carries no household points: its layers are fetched by ``sasaran-map.js`` from API URLs
(kelurahan polygons, classified figures, vector tiles), or, in the shareable static copy, read
from ``config["inline"]`` (kelurahan figures only). Folium's CDN links are replaced by the app's
own ``/static/vendor`` copies so the page works without internet; the basemap tile URL is the
only external request, and it is optional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen
from jinja2 import Template

from geo.maps.classes import Classification
from geo.maps.i18n import texts

FIGURES = ("coverage_rate", "gap", "targets", "overlap_share", "leakage", "p0", "p1", "p2")
COUNT_FIELDS = ("targets", "covered", "overlap", "overlap_agency", "gap", "leakage")
# Okabe-Ito colours (safe for colour-vision deficiencies), none of them on the YlOrRd ramp.
STATUS_COLORS = {"gap": "#000000", "one": "#0072b2", "overlap": "#009e73"}
DEFAULT_CENTER = (0.13, 117.48)  # Bontang, lat/lon; the page fits the loaded areas anyway


def vendor_js(base: str) -> list[tuple[str, str]]:
    return [
        ("leaflet", f"{base}/vendor/leaflet/leaflet.js"),
        ("jquery", f"{base}/vendor/jquery/jquery.min.js"),
        ("bootstrap", f"{base}/vendor/bootstrap/bootstrap.bundle.min.js"),
        ("awesome_markers", f"{base}/vendor/awesome-markers/leaflet.awesome-markers.js"),
    ]


def vendor_css(base: str) -> list[tuple[str, str]]:
    return [
        ("leaflet_css", f"{base}/vendor/leaflet/leaflet.css"),
        ("bootstrap_css", f"{base}/vendor/bootstrap/bootstrap.min.css"),
        ("awesome_markers_font_css", f"{base}/vendor/fontawesome/css/all.min.css"),
        ("awesome_markers_css", f"{base}/vendor/awesome-markers/leaflet.awesome-markers.css"),
    ]


def figure_value(row: dict[str, Any], figure: str) -> float | None:
    """The value mapped for one area row; None when the figure is undefined there
    (a rate over zero targets, an index without expenditure data)."""
    if figure == "overlap_share":
        targets = row.get("targets") or 0
        return row.get("overlap", 0) / targets if targets else None
    value = row.get(figure)
    return None if value is None else float(value)


def panel_summary(rows: list[dict[str, Any]], top: int = 10) -> dict[str, Any]:
    """Totals over the areas and the ``top`` kelurahan with the most gap households
    (ties by code so the list is stable)."""
    totals: dict[str, Any] = {f: sum(int(r.get(f) or 0) for r in rows) for f in COUNT_FIELDS}
    totals["coverage_rate"] = totals["covered"] / totals["targets"] if totals["targets"] else None
    ranked = sorted((r for r in rows if (r.get("gap") or 0) > 0),
                    key=lambda r: (-int(r["gap"]), r["kode"]))
    top_gaps = [{"kode": r["kode"], "nama": r["nama"], "gap": int(r["gap"]),
                 "targets": int(r.get("targets") or 0)} for r in ranked[:top]]
    return {"totals": totals, "top_gaps": top_gaps}


def legend_json(cls: Classification, lang: str) -> dict[str, Any]:
    """The legend the page draws: one entry per class with its count, then "no data"."""
    t = texts(lang)
    entries = [{"lower": c.lower, "upper": c.upper, "color": c.color, "count": c.count}
               for c in cls.classes]
    entries.append({"label": t["no_data"], "color": cls.no_data_color,
                    "count": cls.no_data_count, "no_data": True})
    return {"scheme": cls.scheme, "scheme_label": t[cls.scheme], "entries": entries}


@dataclass
class MapConfig:
    """Everything the page needs; ``page`` is handed to the page script as JSON."""

    lang: str = "id"
    asset_base: str = "/static"
    tile_url: str | None = None
    tile_attribution: str = ""
    center: tuple[float, float] = DEFAULT_CENTER
    page: dict[str, Any] = field(default_factory=dict)


PAGE_TEMPLATE = """
{% macro header(this, kwargs) %}
<link rel="stylesheet" href="{{ this.base }}/css/sasaran-map.css"/>
<script src="{{ this.base }}/vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js"></script>
<script src="{{ this.base }}/js/sasaran-map.js"></script>
<script src="{{ this.base }}/js/sasaran-panel.js"></script>
<script src="{{ this.base }}/js/sasaran-rollout.js"></script>
{% endmacro %}
{% macro html(this, kwargs) %}
<aside id="sasaran-panel" class="sasaran-panel" aria-label="panel"></aside>
{% endmacro %}
{% macro script(this, kwargs) %}
SasaranMap.init({{ this._parent.get_name() }}, {{ this.config_json }});
if (!SasaranMap.page.inline)
    SasaranRollout.attach({{ this._parent.get_name() }}, SasaranMap.page.cfg);
{% endmacro %}
"""


class PageScript(MacroElement):
    """Links the page's own script/stylesheet and starts it on the folium map."""

    def __init__(self, base: str, config_json: str) -> None:
        super().__init__()
        self._name = "SasaranPage"
        self.base = base
        self.config_json = config_json
        self._template = Template(PAGE_TEMPLATE)


def build_map(config: MapConfig) -> folium.Map:
    """The folium map: vendored assets, optional basemap, scale bar, fullscreen, page script."""
    import json

    t = texts(config.lang)
    fmap = folium.Map(location=list(config.center), zoom_start=12, tiles=None,
                      control_scale=True, prefer_canvas=True)
    fmap.default_js = vendor_js(config.asset_base)
    fmap.default_css = vendor_css(config.asset_base)
    root: Any = fmap.get_root()
    root.title = t["title"]
    root.header.add_child(Element(f'<meta name="sasaran-lang" content="{config.lang}">'))
    # No favicon request: the page makes no request the app does not answer.
    root.header.add_child(Element('<link rel="icon" href="data:,">'))
    if config.tile_url:
        folium.TileLayer(tiles=config.tile_url, attr=config.tile_attribution or " ",
                         name=t["basemap"], overlay=False, control=False).add_to(fmap)
    fullscreen = Fullscreen(position="topleft")
    fullscreen.default_js = [("Control.Fullscreen.js",
                              f"{config.asset_base}/vendor/fullscreen/Control.FullScreen.js")]
    fullscreen.default_css = [("Control.FullScreen.css",
                               f"{config.asset_base}/vendor/fullscreen/Control.FullScreen.css")]
    fullscreen.add_to(fmap)
    page = {**config.page, "lang": config.lang, "texts": t, "status_colors": STATUS_COLORS}
    # "</" is escaped so a kelurahan name can never close the script element.
    payload = json.dumps(page, ensure_ascii=False, default=str).replace("</", "<\\/")
    fmap.add_child(PageScript(config.asset_base, payload))
    return fmap


def render_page(config: MapConfig) -> str:
    return build_map(config).get_root().render()
