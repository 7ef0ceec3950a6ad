"""The map page's data: classified kelurahan figures, the side panel, program layers, and the
H3 hexagon aggregate shown to roles that may not see household points.

Figures come from the coverage service (issue 4's ``coverage_by_area``, ``poverty_by_area``,
``overlap_matrix``) so the map and the API never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import h3
from h3.api import basic_int as h3_int
from sqlalchemy import Connection, text

from app.principal import Principal
from app.services.coverage.sql import make_query
from app.sql import fetch_rows
from geo.coverage.publication import protect_partition
from geo.errors import InvalidInput
from geo.hexagons import STORED_RESOLUTION
from geo.maps import (
    COUNT_FIGURES,
    FIGURES,
    HEX_FIGURES,
    LEVELS,
    figure_value,
    legend_json,
    panel_summary,
)
from geo.maps.classes import DEFAULT_RAMP, Classification, check_choice, classify

POVERTY_FIGURES = ("p0", "p1", "p2")
TOP_GAPS = 10


@dataclass(frozen=True)
class MapFilter:
    ref_date: date
    desil_max: int = 4
    program: str | None = None
    agency: str | None = None
    parent: str | None = None  # kecamatan (or kab/kota) code; None = every loaded area


@dataclass(frozen=True)
class Classing:
    """How the mapped figure is classed: figure, method, number of classes, colour ramp."""

    figure: str = "coverage_rate"
    scheme: str = "quantiles"
    k: int = 5
    ramp: str = DEFAULT_RAMP
    lang: str = "id"

    def check(self) -> None:
        if self.figure not in FIGURES:
            raise InvalidInput(f"Angka '{self.figure}' tidak dikenal; pilih: "
                               f"{', '.join(FIGURES)}.")
        check_choice(self.scheme, self.k, self.ramp)

    def classify(self, values: dict[str, Any], figure: str | None = None) -> Classification:
        figure = figure or self.figure
        return classify(values, self.scheme, self.k, integer=figure in COUNT_FIGURES,
                        ramp=self.ramp)


def area_figures(
    conn: Connection, flt: MapFilter, classing: Classing, *, principal: Principal,
    poverty_line: float, level: str = "kelurahan",
) -> dict[str, Any]:
    """Per area of ``level`` (kelurahan, kecamatan or kab/kota): the coverage and poverty
    figures, the class of the mapped figure, the legend with class counts, the panel
    totals/top gaps and the program overlap matrix, as ``principal`` may receive them
    (``app.services.coverage.publication``). Hidden counts are hidden BEFORE classing, so a
    hidden count lands in the "<5" class (or, ``x``, in no class) and never shapes a bound;
    to roles without person access the matrix is the whole scope's."""
    from app.services.coverage import publication

    classing.check()
    if level not in LEVELS:
        raise InvalidInput(f"Tingkat wilayah '{level}' tidak dikenal; pilih: {', '.join(LEVELS)}.")
    pub = publication(conn, principal, ref_date=flt.ref_date, desil_max=flt.desil_max)
    rows = pub.areas(level, flt.parent, program=flt.program, agency=flt.agency)
    # The FGT indices cost a pass over every household's expenditure: only when mapped.
    poverty = {r["kode"]: r for r in pub.poverty(level, flt.parent, poverty_line)
               } if classing.figure in POVERTY_FIGURES else {}
    for row in rows:
        row.update({f: poverty.get(row["kode"], {}).get(f) for f in POVERTY_FIGURES})
        row["overlap_share"] = figure_value(row, "overlap_share")
    if pub.protected:  # the protected total row; a hidden gap is ranked nowhere
        shown = sorted((r for r in rows if isinstance(r["gap"], int) and r["gap"] > 0
                        and isinstance(r["targets"], int)), key=lambda r: (-r["gap"], r["kode"]))
        panel = {"totals": pub.total(flt.parent),
                 "top_gaps": [{k: r[k] for k in ("kode", "nama", "gap", "targets")}
                              for r in shown[:TOP_GAPS]]}
    else:
        panel = panel_summary(rows)
    matrix = pub.overlap(None if pub.protected else flt.parent, agency=flt.agency)
    matrix["wilayah"] = None if pub.protected else flt.parent
    return {"figure": classing.figure, "level": level, **classed_areas(rows, classing),
            **panel, "overlap_matrix": matrix}


def classed_areas(rows: list[dict[str, Any]], classing: Classing) -> dict[str, Any]:
    """The published area rows (``CoveragePublication.areas``: hidden counts already hidden)
    keyed by code, each with the class and colour of ``classing.figure``, and the legend.
    Sets ``kelas`` and ``warna`` on the rows themselves."""
    classes = classing.classify({r["kode"]: figure_value(r, classing.figure) for r in rows})
    for row in rows:
        row["kelas"] = classes.class_of[row["kode"]]
        row["warna"] = classes.colors[row["kode"]]
    return {"areas": {r["kode"]: r for r in rows}, "legend": legend_json(classes, classing.lang)}


def program_layers(conn: Connection, kode: str | None = None) -> list[dict[str, Any]]:
    """Each program (or the one ``kode``) with its agency and service-area outline (union of
    its kelurahan polygons, GeoJSON in EPSG:4326, ~30 m simplified; null without a declared
    service area)."""
    rows = conn.execute(text(
        """
        SELECT p.kode_program AS kode, p.nama, p.instansi,
               ST_AsGeoJSON(ST_Union(ST_SimplifyPreserveTopology(w.geom, 0.0003)), 5)::json
                   AS wilayah_layanan
        FROM program p
        LEFT JOIN wilayah w ON w.kode = ANY (p.wilayah_layanan)
        WHERE CAST(:kode AS text) IS NULL OR p.kode_program = :kode
        GROUP BY p.kode_program, p.nama, p.instansi
        ORDER BY p.kode_program
        """), {"kode": kode})
    return [dict(r._mapping) for r in rows]


MAX_HEX_CELLS = 4000  # beyond this the GeoJSON passes ~1.5 MB and the page slows to a crawl
MIN_HEX_RESOLUTION = 5  # ~250 km² cells: a whole province fits
COORD_DIGITS = 6  # ~0.1 m: hexagon corners need no more


def hexagon_aggregate(
    conn: Connection, flt: MapFilter, resolution: int = 8, *, principal: Principal,
    max_cells: int = MAX_HEX_CELLS, classing: Classing | None = None,
) -> dict[str, Any]:
    """Target households per H3 cell (targets, gap, one, overlap, covered, coverage_rate,
    overlap_share) as GeoJSON polygons coloured by the mapped figure (``warna``, with its own
    legend; a figure a cell does not carry, such as P0 or leakage, colours the cells by gap),
    with the resolution used. Resolution 8 cells are about 0.7 km²; when there would be more
    than ``max_cells`` cells (a whole province) the counts are summed into coarser parent
    cells until they fit, down to resolution 5.

    To roles without person access the cells are protected like the area tables and against
    them (``geo.coverage.publication.protect_partition``: counts hidden before classing, the
    rates built on them with them), and always cover the whole scope at resolution 8 or the
    coarsest that fits: another parent or resolution cuts the same households differently,
    and two cuts differenced give small counts back. A program or agency filter is refused
    to them, as for the area tables."""
    from app.services.coverage import publication

    classing = classing or Classing(figure="gap")
    figure = classing.figure if classing.figure in HEX_FIGURES else "gap"
    pub = publication(conn, principal, ref_date=flt.ref_date, desil_max=flt.desil_max)
    suppress = pub.protected
    if suppress:
        pub.refuse_area_filters(flt.program, flt.agency)
        flt, resolution = MapFilter(flt.ref_date, flt.desil_max), 8
    q = make_query(flt.ref_date, flt.desil_max, flt.program, flt.agency, flt.parent,
                   principal.area_prefixes)
    by_int = _target_cells(conn, q.params(conn), resolution)
    while len(by_int) > max_cells and resolution > MIN_HEX_RESOLUTION:
        resolution -= 1
        by_int = _parents(by_int, resolution)
    cells = {h3_int.int_to_str(cell): counts for cell, counts in by_int.items()}
    labels = protect_partition(
        {c: {"gap": g, "one": o, "overlap": v, "targets": g + o + v}
         for c, (g, o, v) in cells.items()}, pub.scope) if suppress else {}
    features = [_hex_feature(cell, counts, labels.get(cell))
                for cell, counts in sorted(cells.items())]
    classes = classing.classify(
        {f["properties"]["h3"]: figure_value(f["properties"], figure) for f in features}, figure)
    for f in features:
        f["properties"]["warna"] = classes.colors[f["properties"]["h3"]]
    return {"type": "FeatureCollection", "resolusi": resolution, "figure": figure,
            "legend": legend_json(classes, classing.lang), "features": features}


def _target_cells(conn: Connection, params: dict[str, Any], resolution: int
                  ) -> dict[int, list[int]]:
    """Target households per cell of ``resolution`` (h3 integers) as [no program, one, two
    or more]: from the cells stored with the households (``geo.hexagons``), counted in the
    database; a finer resolution than the stored one from the households' points."""
    stored = resolution <= STORED_RESOLUTION
    rows = fetch_rows(conn, "maps/hexagon_cells.sql", {**params, "stored_cells": stored})
    cells = {cell: [none, one, more] for cell, _, _, none, one, more in rows if cell is not None}
    to_cell, at = h3_int.latlng_to_cell, STORED_RESOLUTION if stored else resolution
    for cell, lat, lon, *counts in rows:
        if cell is None:  # no stored cell used: these households share one point
            _add(cells.setdefault(to_cell(lat, lon, at), [0, 0, 0]), counts)
    return _parents(cells, resolution) if resolution < at else cells


def _parents(cells: dict[int, list[int]], resolution: int) -> dict[int, list[int]]:
    merged: dict[int, list[int]] = {}
    to_parent = h3_int.cell_to_parent
    for cell, counts in cells.items():
        _add(merged.setdefault(to_parent(cell, resolution), [0, 0, 0]), counts)
    return merged


def _add(total: list[int], counts: list[int]) -> None:
    for i, n in enumerate(counts):
        total[i] += n


def _hex_feature(cell: str, counts: list[int], labels: dict[str, str | None] | None
                 ) -> dict[str, Any]:
    gap, one, overlap = counts
    targets = gap + one + overlap
    props: dict[str, Any] = {"h3": cell, "targets": targets, "gap": gap, "one": one,
                             "overlap": overlap, "covered": one + overlap,
                             "coverage_rate": (one + overlap) / targets if targets else None}
    if labels is not None:
        props.update({k: label for k, label in labels.items() if label is not None})
        if isinstance(props["targets"], str) or isinstance(props["covered"], str):
            props["coverage_rate"] = None
    props["overlap_share"] = figure_value(props, "overlap_share")
    if props["coverage_rate"] is None:
        props["coverage_rate"] = figure_value(props, "coverage_rate")
    ring = [[round(lng, COORD_DIGITS), round(lat, COORD_DIGITS)]
            for lat, lng in h3.cell_to_boundary(cell)]
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}}
