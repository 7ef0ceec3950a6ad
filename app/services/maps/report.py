"""The map's picture (PNG) and the PDF report of an area (what a Bappeda puts in the RPKD).

Both draw the same classes and colours as the page (``area_figures``), rendered server-side
(``geo.maps.render``: matplotlib, no browser, works offline). The PDF is HTML laid out by
WeasyPrint: cover, summary, choropleths of coverage rate and gap, kecamatan and kelurahan tables
with totals, the program overlap matrix, the ten largest gaps, P0/P1/P2 and the rules used.
Small counts are suppressed for whoever may not see persons, as on the page.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Connection, text

from app.services.maps.data import Classing, MapFilter, area_figures
from app.services.maps.page import POLYGON_TOLERANCE
from geo.coverage import fgt_total, suppress_row, suppress_value, total_row
from geo.errors import NotFound
from geo.maps import texts
from geo.maps.render import Picture, render
from geo.text import locale

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SOURCE = ("Sumber: Sasaran (registri rumah tangga dan kepesertaan program); batas wilayah: "
          "cahyadsn/wilayah_boundaries (MIT).")


@dataclass(frozen=True)
class ReportScope:
    """Whose report: the area prefixes they may see and whether small counts are hidden."""

    area_prefixes: tuple[str, ...] = ()
    suppress: bool = True
    poverty_line: float = 441_448.0


def _legend_rows(legend: dict[str, Any], figure: str) -> list[tuple[str, str]]:
    show = locale.percent if figure in ("coverage_rate", "overlap_share", "p0", "p1", "p2") \
        else locale.number
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
            area_name: str | None = None) -> Picture:
    """The choropleth of ``classing.figure`` as a picture, with the page's classes."""
    from app.services.wilayah import wilayah_geojson

    data = area_figures(conn, flt, classing, poverty_line=scope.poverty_line, level=level,
                        area_prefixes=scope.area_prefixes, suppress=scope.suppress)
    geo = wilayah_geojson(conn, level, flt.parent if level == "kelurahan" else None,
                          POLYGON_TOLERANCE)
    features = [f for f in geo["features"] if f["properties"]["kode"] in data["areas"]]
    for f in features:
        f["properties"]["warna"] = data["areas"][f["properties"]["kode"]]["warna"]
    outlines = [] if level == "kecamatan" else [
        f for f in wilayah_geojson(conn, "kecamatan", None, POLYGON_TOLERANCE)["features"]
        if any(k.startswith(f["properties"]["kode"] + ".") for k in data["areas"])]
    t = texts(classing.lang)
    return Picture(
        title=f"{t[classing.figure]} per {t['level_' + level].lower()}",
        subtitle=_subtitle(flt, area_name or _scope_name(conn, flt.parent)),
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
    return f"{SOURCE} Dibuat {locale.date_id(date.today())}."


def _scope_name(conn: Connection, code: str | None) -> str:
    if not code:
        return "Semua wilayah"
    name = conn.execute(text("SELECT nama FROM wilayah WHERE kode = :k"), {"k": code}).scalar()
    return str(name or code)


def _table(rows: list[dict[str, Any]], poverty: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Rows with their FGT indices and the ``Jumlah`` row (totals from the whole counts; the
    caller suppresses the total like any row)."""
    for row in rows:
        row.update({k: poverty.get(row["kode"], {}).get(k) for k in ("p0", "p1", "p2")})
    fgt = fgt_total([poverty[r["kode"]] for r in rows if r["kode"] in poverty])
    return {"rows": rows, "total": {**total_row(rows), **{k: fgt[k] for k in ("p0", "p1", "p2")}}}


def report_data(conn: Connection, area: str, flt: MapFilter, scope: ReportScope
                ) -> dict[str, Any]:
    """Everything the PDF shows for ``area`` (a kab/kota or kecamatan code)."""
    from app.services.coverage import coverage_by_area, overlap_matrix, poverty_by_area

    query: dict[str, Any] = {"ref_date": flt.ref_date, "desil_max": flt.desil_max,
                             "program": flt.program, "agency": flt.agency,
                             "area_prefixes": scope.area_prefixes}
    tables = {}
    for level in ("kecamatan", "kelurahan"):
        rows = coverage_by_area(conn, level=level, parent=area, **query)
        poverty = {p["kode"]: p for p in poverty_by_area(
            conn, level=level, parent=area, line=scope.poverty_line,
            area_prefixes=scope.area_prefixes)}
        tables[level] = _table(rows, poverty)
    if not tables["kelurahan"]["rows"]:
        raise NotFound(f"Wilayah '{area}' tidak punya kelurahan yang dimuat di cakupan Anda.",
                       {"area": area})
    kecamatan_names = {r["kode"]: r["nama"] for r in tables["kecamatan"]["rows"]}
    for row in tables["kelurahan"]["rows"]:
        row["kecamatan"] = kecamatan_names.get(row["kode"][:8], row["kode"][:8])
    gaps = sorted((r for r in tables["kelurahan"]["rows"] if r["gap"] > 0),
                  key=lambda r: (-r["gap"], r["kode"]))[:10]
    matrix = overlap_matrix(conn, ref_date=flt.ref_date, desil_max=flt.desil_max, parent=area,
                            agency=flt.agency, area_prefixes=scope.area_prefixes)
    if scope.suppress:
        for level, table in tables.items():
            tables[level] = {"rows": [suppress_row(r) for r in table["rows"]],
                             "total": suppress_row(table["total"])}
        gaps = [suppress_row(r) for r in gaps]
        matrix["matrix"] = [[suppress_value(v) for v in line] for line in matrix["matrix"]]
    return {"area": area, "nama": _scope_name(conn, area), "filter": flt, "tables": tables,
            "top_gaps": gaps, "matrix": matrix, "suppressed": scope.suppress,
            "poverty_line": scope.poverty_line, "source": _source_line()}


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def report_pdf(conn: Connection, area: str, flt: MapFilter, scope: ReportScope) -> bytes:
    """The PDF report of ``area`` (WeasyPrint)."""
    from weasyprint import HTML

    area_flt = MapFilter(flt.ref_date, flt.desil_max, flt.program, flt.agency, area)
    data = report_data(conn, area, area_flt, scope)
    maps = [_data_uri(render(picture(conn, area_flt, Classing(figure=figure), scope,
                                     area_name=data["nama"])))
            for figure in ("coverage_rate", "gap")]
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())
    env.filters.update(number=locale.number, percent=locale.percent, rupiah=locale.rupiah,
                       date_id=locale.date_id)
    html = env.get_template("report.html").render(**data, maps=maps,
                                                   today=date.today())
    return bytes(HTML(string=html, base_url=str(TEMPLATES)).write_pdf())
