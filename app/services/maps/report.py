"""The map's picture (PNG) and the PDF report of an area (what a Bappeda puts in the RPKD).

Both draw the same classes and colours as the page (``area_figures``), rendered server-side
(``geo.maps.render``: matplotlib, no browser, works offline). The PDF is HTML laid out by
WeasyPrint: cover, summary, choropleths of coverage rate and gap, kecamatan and kelurahan tables
with totals, the program overlap matrix, the ten largest gaps, P0/P1/P2 and the rules used.
Every figure comes from the protected publication (``app.services.coverage.publication``),
so a report given to a role that may not see persons hides exactly what the page and the API
hide to it, with the same pattern (``<5``, ``x``) and the same whole-scope rule for the
overlap matrix.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Connection

from app.clock import today
from app.principal import PUBLIC, Principal
from app.services.maps.data import Classing, MapFilter, area_figures, classed_areas
from app.services.maps.page import POLYGON_TOLERANCE
from geo.coverage import fgt_total, total_row
from geo.errors import NotFound
from geo.maps import texts
from geo.maps.render import Picture, render
from geo.text import locale

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SOURCE = ("Sumber: Sasaran (registri rumah tangga dan kepesertaan program); batas wilayah: "
          "cahyadsn/wilayah_boundaries (MIT).")


@dataclass(frozen=True)
class ReportScope:
    """Whose report: the principal it is published to (their area, and whether small counts
    are hidden: by default a reader who may not see persons) and the poverty line."""

    principal: Principal = PUBLIC
    poverty_line: float = 441_448.0

    @property
    def suppress(self) -> bool:
        return self.principal.suppress_small_counts


def _legend_rows(legend: dict[str, Any], figure: str) -> list[tuple[str, str]]:
    show = partial(locale.figure, name=figure)
    rows = []
    for e in legend["entries"]:
        if "label" in e:
            rows.append((f"{e['label']} ({e['count']})", e["color"]))
            continue
        span = show(e["lower"]) if e["lower"] == e["upper"] else \
            f"{show(e['lower'])} – {show(e['upper'])}"
        rows.append((f"{span} ({e['count']})", e["color"]))
    return rows


def _subtitle(flt: MapFilter, area_name: str) -> str:
    return (f"{area_name} · tanggal acuan {locale.date_id(flt.ref_date)} · sasaran desil ≤ "
            f"{flt.desil_max}")


def picture(conn: Connection, flt: MapFilter, classing: Classing, scope: ReportScope, *,
            level: str = "kelurahan", bbox: list[float] | None = None,
            area_name: str | None = None, rows: list[dict[str, Any]] | None = None) -> Picture:
    """The choropleth of ``classing.figure`` as a picture, with the page's classes. ``rows``:
    the published rows of ``level`` under ``flt.parent`` when the caller has them already
    (the report: its tables), so they are not queried again."""
    from app.services.wilayah import wilayah_geojson

    data = classed_areas([dict(r) for r in rows], classing) if rows is not None else \
        area_figures(conn, flt, classing, principal=scope.principal,
                     poverty_line=scope.poverty_line, level=level)
    geo = wilayah_geojson(conn, level, flt.parent if level == "kelurahan" else None,
                          POLYGON_TOLERANCE)
    features = [f for f in geo["features"] if f["properties"]["kode"] in data["areas"]]
    if not features:  # nothing to draw (an area without loaded outlines, or none in scope)
        raise NotFound("Tidak ada wilayah dengan batas yang dimuat untuk gambar ini.",
                       {"wilayah": flt.parent})
    for f in features:
        f["properties"]["warna"] = data["areas"][f["properties"]["kode"]]["warna"]
    outlines = [] if level == "kecamatan" else [
        f for f in wilayah_geojson(conn, "kecamatan", None, POLYGON_TOLERANCE)["features"]
        if any(k.startswith(f["properties"]["kode"] + ".") for k in data["areas"])]
    t = texts(classing.lang)
    return Picture(
        title=f"{t[classing.figure]} per {t['level_' + level].lower()}",
        subtitle=_subtitle(flt, area_name or _scope_name(conn, flt.parent,
                                                                scope.principal)),
        areas=features, outlines=outlines, legend_title=data["legend"]["scheme_label"],
        legend=_legend_rows(data["legend"], classing.figure), source=_source_line(),
        opacity=data["legend"]["opacity"], bbox=bbox,
        labels=[(f["properties"]["label_lon"], f["properties"]["label_lat"],
                 f["properties"]["nama"]) for f in features if f["properties"].get("label_lon")])


def map_png(conn: Connection, flt: MapFilter, classing: Classing, scope: ReportScope, *,
            level: str = "kelurahan", bbox: list[float] | None = None) -> bytes:
    """The map's current view as a PNG with title, legend, scale bar, north arrow, date and
    source line."""
    return render(picture(conn, flt, classing, scope, level=level, bbox=bbox))


def _source_line() -> str:
    return f"{SOURCE} Dibuat {locale.date_id(today())}."


def _scope_name(conn: Connection, code: str | None, principal: Principal = PUBLIC) -> str:
    """The area's name (its code when not loaded); without one, the principal's own area."""
    from app.services.wilayah import scope_name

    return scope_name(conn, (code,) if code else principal.area_prefixes)


def _table(rows: list[dict[str, Any]], poverty: dict[str, dict[str, Any]],
           total: dict[str, Any]) -> dict[str, Any]:
    """Rows with their FGT indices (and the reason when they are withheld) and the ``Jumlah``
    row."""
    for row in rows:
        row.update({k: poverty.get(row["kode"], {}).get(k) for k in FGT_FIELDS})
    return {"rows": rows, "total": total}


FGT_FIELDS = ("p0", "p1", "p2", "fgt_catatan")


def report_data(conn: Connection, area: str, flt: MapFilter, scope: ReportScope
                ) -> dict[str, Any]:
    """Everything the PDF shows for ``area`` (a kab/kota or kecamatan code), as
    ``scope.principal`` may receive it."""
    from app.services.coverage import publication

    pub = publication(conn, scope.principal, ref_date=flt.ref_date, desil_max=flt.desil_max)
    line = scope.poverty_line
    tables = {}
    for level in ("kecamatan", "kelurahan"):
        rows = pub.areas(level, area, program=flt.program, agency=flt.agency)
        poverty = {p["kode"]: p for p in pub.poverty(level, area, line)}
        if pub.protected:  # no filter reaches here (refused above): the area's own row
            fgt = pub.poverty_total(area, line)
            total = {**pub.total(area), "kode": None, "nama": "Jumlah"}
        else:  # the filtered rows summed (every household is in exactly one kelurahan)
            fgt = fgt_total([poverty[r["kode"]] for r in rows if r["kode"] in poverty])
            total = total_row(rows)
        tables[level] = _table(rows, poverty, {**total, **{k: fgt.get(k) for k in FGT_FIELDS}})
    if not tables["kelurahan"]["rows"]:
        raise NotFound(f"Wilayah '{area}' tidak punya kelurahan yang dimuat di cakupan Anda.",
                       {"area": area})
    kecamatan_names = {r["kode"]: r["nama"] for r in tables["kecamatan"]["rows"]}
    for row in tables["kelurahan"]["rows"]:
        row["kecamatan"] = kecamatan_names.get(row["kode"][:8], row["kode"][:8])
    # A hidden gap (or target count) is ranked nowhere: its place would bound it.
    gaps = sorted((r for r in tables["kelurahan"]["rows"] if isinstance(r["gap"], int)
                   and r["gap"] > 0 and isinstance(r["targets"], int)),
                  key=lambda r: (-r["gap"], r["kode"]))[:10]
    matrix = pub.overlap(None if pub.protected else area, agency=flt.agency)
    return {"area": area, "nama": _scope_name(conn, area), "filter": flt, "tables": tables,
            "top_gaps": gaps, "matrix": matrix, "suppressed": pub.protected,
            "matrix_scope": "seluruh wilayah Anda" if pub.protected else None,
            "poverty_line": line, "source": _source_line()}


def report_maps(conn: Connection, area_flt: MapFilter, scope: ReportScope,
                data: dict[str, Any]) -> list[Picture]:
    """The report's two choropleths (coverage rate, gap) of the area ``area_flt.parent``,
    classed over the kelurahan rows of its table (``report_data``): the same figures, not
    queried again (at 1 M households each query of the figures costs seconds)."""
    rows = data["tables"]["kelurahan"]["rows"]
    return [picture(conn, area_flt, Classing(figure=figure), scope, area_name=data["nama"],
                    rows=rows)
            for figure in ("coverage_rate", "gap")]


MAP_URL = "sasaran-peta:{}"  # how the template names the i-th map; only _fetcher serves it


def report_html(data: dict[str, Any], maps: list[bytes]) -> str:
    """The report as HTML: ``report_data``'s figures; the maps are named ``MAP_URL`` (their
    bytes go to ``html_pdf``, not into the HTML: WeasyPrint's HTML parser reads a base64 data
    URI character by character)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())
    env.filters.update(number=locale.number, figure=locale.figure,
                       rupiah=locale.rupiah, date_id=locale.date_id)
    html = env.get_template("report.html").render(
        **data, maps=[MAP_URL.format(i) for i in range(len(maps))], today=today())
    # The template's indentation between tags shows nothing (blocks and table cells), but
    # WeasyPrint builds and lays out a box for each such run: without them the layout takes
    # about a quarter less. No two inline elements in the template are separated by
    # whitespace alone, so no visible space is lost (the PDF's text is the same).
    return _BETWEEN_TAGS.sub("><", html)


_BETWEEN_TAGS = re.compile(r">\s+<")


_FONTS = threading.local()


def _font_config() -> Any:
    """One WeasyPrint font configuration per thread, kept: a new one per PDF matches every
    font again through fontconfig and Pango (a third of the layout time of a report). Per
    thread because Pango's font map is not safe to share between threads."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_FONTS, "config", None)
    if config is None:
        config = _FONTS.config = FontConfiguration()
    return config


def _fetcher(maps: list[bytes]) -> Any:
    """A URL fetcher serving the report's maps and nothing else: the report needs no file or
    network resource, and a name from the data can never make WeasyPrint fetch one."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    served = {MAP_URL.format(i): png for i, png in enumerate(maps)}

    class MapsOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url not in served:
                raise ValueError(f"Laporan tidak memuat sumber luar: {url[:80]}")
            return URLFetcherResponse(url, served[url], {"Content-Type": "image/png"})

    return MapsOnly()


def html_pdf(html: str, maps: list[bytes]) -> bytes:
    """The report's HTML, with its maps' PNG bytes, laid out as PDF (WeasyPrint)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=_fetcher(maps))
    return bytes(document.write_pdf(font_config=_font_config()))


def report_pdf(conn: Connection, area: str, flt: MapFilter, scope: ReportScope) -> bytes:
    """The PDF report of ``area``: its figures, two maps, laid out by WeasyPrint (the steps
    are separate functions so that bench/bench_report.py can time each)."""
    area_flt = MapFilter(flt.ref_date, flt.desil_max, flt.program, flt.agency, area)
    data = report_data(conn, area, area_flt, scope)
    maps = [render(p, compress_level=1) for p in report_maps(conn, area_flt, scope, data)]
    return html_pdf(report_html(data, maps), maps)
