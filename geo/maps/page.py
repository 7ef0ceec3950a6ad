"""The kelurahan map page as a folium Figure (pure: configuration in, HTML document out).

The page carries no household points: its layers are fetched by ``sasaran-map.js`` from API URLs
(kelurahan polygons, classified figures, vector tiles), or, in the shareable static copy, read
from ``config["inline"]`` (kelurahan figures only). Folium's CDN links are replaced by the app's
own ``/static/vendor`` copies so the page works without internet; the basemap tile URL is the
only external request, and it is optional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen
from jinja2 import Template

from geo.maps.classes import RAMPS, SCHEMES, SUPPRESSED, Classification, ramp_colors
from geo.maps.i18n import texts

FIGURES = ("coverage_rate", "gap", "targets", "overlap_share", "leakage", "p0", "p1", "p2")
# Figures that count households: classed with whole-number bounds.
COUNT_FIGURES = frozenset({"gap", "targets", "leakage"})
# What a hexagon carries; any other mapped figure colours the hexagons by their gap.
HEX_FIGURES = ("coverage_rate", "gap", "targets", "overlap_share")
COUNT_FIELDS = ("targets", "covered", "overlap", "overlap_agency", "gap", "leakage")
LEVELS = ("kelurahan", "kecamatan", "kabkota")
# Okabe-Ito colours (safe for colour-vision deficiencies), none of them on the YlOrRd ramp.
STATUS_COLORS = {"gap": "#000000", "one": "#0072b2", "overlap": "#009e73"}
FILL_OPACITY = 0.75  # the polygons' fill opacity; the legend swatches are drawn with the same
DEFAULT_CENTER = (0.13, 117.48)  # Bontang, lat/lon; the page fits the loaded areas anyway


def vendor_js(base: str) -> list[tuple[str, str]]:
    """Leaflet only: Folium's other defaults (jQuery, Bootstrap, Font Awesome, awesome-markers)
    serve markers and popups this page does not use, and would restyle the app's layout."""
    return [("leaflet", f"{base}/vendor/leaflet/leaflet.js")]


def vendor_css(base: str) -> list[tuple[str, str]]:
    return [("leaflet_css", f"{base}/vendor/leaflet/leaflet.css")]


def figure_value(row: dict[str, Any], figure: str) -> Any:
    """The value mapped for one area row: a number, ``"<5"`` when a small count hides it
    (a rate is hidden when one of its counts is), or None when the figure is undefined there
    (a rate over zero targets, an index without expenditure data)."""
    if figure == "overlap_share":
        targets, overlap = row.get("targets") or 0, row.get("overlap", 0)
        if hidden := _hidden(targets, overlap):
            return hidden
        return overlap / targets if targets else None
    value = row.get(figure)
    if figure == "coverage_rate" and value is None and (
            hidden := _hidden(row.get("targets"), row.get("covered"))):
        return hidden
    return value if value is None or isinstance(value, str) else float(value)


def _hidden(*counts: Any) -> str | None:
    """``"<5"`` when a count is a hidden small one, ``"x"`` (another hidden count) when one is
    hidden otherwise, None when all are numbers."""
    labels = [c for c in counts if isinstance(c, str)]
    return (SUPPRESSED if SUPPRESSED in labels else labels[0]) if labels else None


def panel_summary(rows: list[dict[str, Any]], top: int = 10) -> dict[str, Any]:
    """Totals over the areas and the ``top`` areas with the most gap households (ties by
    code so the list is stable). Rows hold whole counts: suppression comes after."""
    totals: dict[str, Any] = {f: sum(int(r.get(f) or 0) for r in rows) for f in COUNT_FIELDS}
    totals["coverage_rate"] = totals["covered"] / totals["targets"] if totals["targets"] else None
    ranked = sorted((r for r in rows if (r.get("gap") or 0) > 0),
                    key=lambda r: (-int(r["gap"]), r["kode"]))
    top_gaps = [{"kode": r["kode"], "nama": r["nama"], "gap": int(r["gap"]),
                 "targets": int(r.get("targets") or 0)} for r in ranked[:top]]
    return {"totals": totals, "top_gaps": top_gaps}


def legend_json(cls: Classification, lang: str) -> dict[str, Any]:
    """The legend the page draws: one entry per class with its count, then "<5" (when any
    value is hidden) and "no data"; swatches carry the polygons' fill opacity."""
    t = texts(lang)
    entries: list[dict[str, Any]] = [
        {"lower": c.lower, "upper": c.upper, "color": c.color, "count": c.count}
        for c in cls.classes]
    if cls.suppressed_count:
        entries.append({"label": t["suppressed"], "color": cls.suppressed_color,
                        "count": cls.suppressed_count, "suppressed": True})
    entries.append({"label": t["no_data"], "color": cls.no_data_color,
                    "count": cls.no_data_count, "no_data": True})
    return {"scheme": cls.scheme, "scheme_label": t[cls.scheme], "ramp": cls.ramp,
            "integer": cls.integer, "opacity": FILL_OPACITY, "entries": entries}


@dataclass
class MapConfig:
    """Everything the page needs; ``page`` is handed to the page script as JSON. ``basemaps``:
    ``{"id", "name", "url", "attribution"}`` each, the first shown at start; empty = the
    no-basemap style (the offline case)."""

    lang: str = "id"
    asset_base: str = "/static"
    basemaps: list[dict[str, str]] = field(default_factory=list)
    center: tuple[float, float] = DEFAULT_CENTER
    page: dict[str, Any] = field(default_factory=dict)


PAGE_SCRIPTS = ("sasaran-format.js", "sasaran-layers.js", "sasaran-map.js", "sasaran-trail.js",
                "sasaran-points.js", "sasaran-legend.js", "sasaran-panel.js", "sasaran-detail.js",
                "sasaran-rollout.js")
PAGE_TEMPLATE = """
{% macro header(this, kwargs) %}
<link rel="stylesheet" href="{{ this.base }}/css/sasaran-map.css"/>
<script src="{{ this.base }}/vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js"></script>
{% for name in this.scripts %}<script src="{{ this.base }}/js/{{ name }}"></script>
{% endfor %}
{% endmacro %}
{% macro html(this, kwargs) %}
<aside id="sasaran-panel" class="sasaran-panel" aria-label="panel"></aside>
{% endmacro %}
{% macro script(this, kwargs) %}
SasaranMap.init({{ this._parent.get_name() }}, {{ this.config_json }});
{% endmacro %}
"""


class PageScript(MacroElement):
    """Links the page's own scripts/stylesheet and starts them on the folium map."""

    def __init__(self, base: str, config_json: str) -> None:
        super().__init__()
        self._name = "SasaranPage"
        self.base = base
        self.scripts = PAGE_SCRIPTS
        self.config_json = config_json
        self._template = Template(PAGE_TEMPLATE)


def build_map(config: MapConfig) -> folium.Map:
    """The folium map: vendored assets, fullscreen, page script. Zoom buttons, the (metric)
    scale bar and the basemaps are added by the page script, with Indonesian titles; the
    basemap only after one probe tile loaded, so an offline page makes one failed request,
    not a hundred."""
    import json

    t = texts(config.lang)
    fmap = folium.Map(location=list(config.center), zoom_start=12, tiles=None,
                      control_scale=False, zoom_control=False, prefer_canvas=True)
    fmap.default_js = vendor_js(config.asset_base)
    fmap.default_css = vendor_css(config.asset_base)
    root: Any = fmap.get_root()
    root.title = t["title"]
    root.header.add_child(Element(f'<meta name="sasaran-lang" content="{config.lang}">'))
    # No favicon request: the page makes no request the app does not answer.
    root.header.add_child(Element('<link rel="icon" href="data:,">'))
    # The first data requests start with the page, not after its scripts; crossorigin:
    # the page script's fetch (same-origin credentials) may then use the preloaded answer.
    for url in config.page.get("preload", []):
        root.header.add_child(Element(
            f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{escape(url)}">'))
    fullscreen = Fullscreen(position="topleft", title=t["fullscreen"],
                            title_cancel=t["fullscreen_exit"])
    fullscreen.default_js = [("Control.Fullscreen.js",
                              f"{config.asset_base}/vendor/fullscreen/Control.FullScreen.js")]
    fullscreen.default_css = [("Control.FullScreen.css",
                               f"{config.asset_base}/vendor/fullscreen/Control.FullScreen.css")]
    fullscreen.add_to(fmap)
    page = {**config.page, "lang": config.lang, "texts": t, "status_colors": STATUS_COLORS,
            "basemaps": config.basemaps, "fill_opacity": FILL_OPACITY,
            "figures": list(FIGURES), "count_figures": sorted(COUNT_FIGURES),
            "hex_figures": list(HEX_FIGURES), "schemes": list(SCHEMES), "ramps": list(RAMPS),
            "ramp_samples": {r: ramp_colors(r, 5) for r in RAMPS}}
    # "</" is escaped so a kelurahan name can never close the script element.
    payload = json.dumps(page, ensure_ascii=False, default=str).replace("</", "<\\/")
    fmap.add_child(PageScript(config.asset_base, payload))
    return fmap


def render_page(config: MapConfig) -> str:
    """The map as a whole HTML document (the shareable static copy)."""
    return build_map(config).get_root().render()


@dataclass(frozen=True)
class PageParts:
    """The map page cut into what a layout template places: ``head`` (stylesheets, scripts,
    Folium's styles), ``body`` (the map element and the panel) and ``script`` (the code that
    builds the map and starts the page script, to run after ``body``)."""

    head: str
    body: str
    script: str


def render_parts(config: MapConfig) -> PageParts:
    """The map page's parts for the app's base layout (header, navigation, logout)."""
    root: Any = build_map(config).get_root()
    root.render()  # lets every element add its links and scripts to the parts below
    return PageParts(head=root.header.render(), body=root.html.render(),
                     script=root.script.render())
