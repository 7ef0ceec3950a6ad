"""A choropleth drawn as a picture (pure: geometries, colours and texts in, PNG/SVG bytes out).

Used for the map's "Unduh PNG" and for the maps in the PDF report, so both show exactly the
classes and colours of the page. Drawn server-side with matplotlib (Agg, no display) over
geopandas: no browser, no basemap (works offline), the same picture from the CLI and the API.
Every picture has a title, the legend, a metric scale bar, a north arrow, the date and the
source line. Coordinates are EPSG:4326 lon/lat; the axes keep the local aspect (1/cos(lat)).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from PIL import Image
from shapely.geometry import shape

from geo.errors import NotFound

KM_PER_DEGREE = 111.32
NICE_KM = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)


@dataclass
class Picture:
    """What to draw: ``areas`` are GeoJSON features with a ``warna`` fill, ``outlines`` plain
    GeoJSON features drawn as lines, ``legend`` (label, colour) rows; ``bbox`` (west, south,
    east, north) or None for the areas' extent."""

    title: str
    subtitle: str
    areas: list[dict[str, Any]]
    legend_title: str
    legend: list[tuple[str, str]]
    source: str
    opacity: float = 0.75
    outlines: list[dict[str, Any]] = field(default_factory=list)
    labels: list[tuple[float, float, str]] = field(default_factory=list)
    bbox: Sequence[float] | None = None
    size: tuple[float, float] = (10.0, 7.5)  # inches
    dpi: int = 130


def scale_km(width_km: float) -> float:
    """A round scale-bar length of about a fifth of the map's width."""
    target = width_km / 5
    return max((n for n in NICE_KM if n <= target), default=NICE_KM[0])


def _frame(pic: Picture, areas: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    if pic.bbox:
        west, south, east, north = (float(v) for v in pic.bbox)
    elif not len(areas):
        # Nothing to frame (no area with figures in this scope and filter): say so, not a 500.
        raise NotFound("Tidak ada wilayah untuk digambar pada filter dan cakupan ini.", {})
    else:
        west, south, east, north = (float(v) for v in areas.total_bounds)
        pad_x, pad_y = (east - west) * 0.04, (north - south) * 0.04
        west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    return west, south, east, north


def _scale_bar(ax: Any, frame: tuple[float, float, float, float]) -> None:
    west, south, east, north = frame
    mid = math.cos(math.radians((south + north) / 2))
    km = scale_km((east - west) * KM_PER_DEGREE * mid)
    length = km / (KM_PER_DEGREE * mid)
    x0, y0 = west + (east - west) * 0.04, south + (north - south) * 0.05
    ax.plot([x0, x0 + length], [y0, y0], color="black", linewidth=3, solid_capstyle="butt")
    label = f"{km:g} km".replace(".", ",")
    ax.text(x0 + length / 2, y0 + (north - south) * 0.015, label, ha="center", va="bottom",
            fontsize=8)


def _north_arrow(ax: Any) -> None:
    ax.annotate("U", xy=(0.95, 0.95), xytext=(0.95, 0.85), xycoords="axes fraction",
                ha="center", va="center", fontsize=11, fontweight="bold",
                arrowprops={"facecolor": "black", "width": 4, "headwidth": 11})


def _areas(features: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"warna": [f["properties"].get("warna", "#e0e0e0") for f in features]},
        geometry=[shape(f["geometry"]) for f in features], crs="EPSG:4326")


def _draw_map(ax: Any, pic: Picture) -> tuple[float, float, float, float]:
    areas = _areas(pic.areas)
    frame = _frame(pic, areas)
    ax.set_facecolor("#dbe7f0")  # sea; areas are the land
    if len(areas):
        areas.plot(ax=ax, color=areas["warna"], alpha=pic.opacity, edgecolor="#636363",
                   linewidth=0.4)
    if pic.outlines:
        _areas(pic.outlines).boundary.plot(ax=ax, color="#252525", linewidth=1.1)
    for lon, lat, text in pic.labels:
        if frame[0] < lon < frame[2] and frame[1] < lat < frame[3]:
            ax.text(lon, lat, text, fontsize=6.5, ha="center", va="center", color="#1a1a1a")
    ax.set_xlim(frame[0], frame[2])
    ax.set_ylim(frame[1], frame[3])
    ax.set_aspect(1 / math.cos(math.radians((frame[1] + frame[3]) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    return frame


def render(pic: Picture, fmt: str = "png", *, compress_level: int = 6) -> bytes:
    """The picture as PNG (or SVG, its texts kept as text) bytes. ``compress_level`` (PNG,
    0-9): the PDF report asks 1, as WeasyPrint decodes and compresses the image again."""
    # A bare Figure (no pyplot): no global state, nothing to close, safe off the main thread.
    fig = Figure(figsize=pic.size, dpi=pic.dpi)
    ax = fig.add_subplot()
    frame = _draw_map(ax, pic)
    _scale_bar(ax, frame)
    _north_arrow(ax)
    handles = [Patch(facecolor=color, alpha=pic.opacity, edgecolor="#636363", label=label)
               for label, color in pic.legend]
    ax.legend(handles=handles, title=pic.legend_title, loc="lower right", fontsize=7,
              title_fontsize=8, framealpha=0.95)
    fig.suptitle(pic.title, fontsize=13, fontweight="bold", y=0.98)
    ax.set_title(pic.subtitle, fontsize=9)
    fig.text(0.01, 0.01, pic.source, fontsize=6.5, color="#444444", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    if fmt == "png":
        return _png(fig, pic.dpi, compress_level)
    out = io.BytesIO()
    # SVG keeps its words as text (not glyph outlines): searchable, and readable by tests.
    with rc_context({"svg.fonttype": "none"}):
        fig.savefig(out, format=fmt)
    return out.getvalue()


def _png(fig: Figure, dpi: int, compress_level: int) -> bytes:
    """The figure as an RGB PNG: the same pixels as ``savefig`` without its alpha channel
    (the figure is opaque; in a PDF the channel becomes a second image, a soft mask)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(physical=True),
                             canvas.buffer_rgba()).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=compress_level, dpi=(dpi, dpi))
    return out.getvalue()
