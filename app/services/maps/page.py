"""What the map page is told at load: its data URLs, the filter choices and their values.

No figures and no household points are put in the page; the page script fetches them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Connection, text

from app.principal import Principal
from app.services.maps.tiles import POINT_MIN_ZOOM
from app.services.scope import within
from app.services.wilayah import scope_name
from app.settings import Settings

if TYPE_CHECKING:
    from app.services.maps.data import Classing, MapFilter

POLYGON_TOLERANCE = 0.0001  # degrees (~11 m): invisible at city zoom, halves the payload
# Outlines are drawn as lines only, over the kelurahan: coarser is fine and keeps the page light.
OUTLINE_TOLERANCE = {"kecamatan": 0.0003, "kabkota": 0.001}


def urls() -> dict[str, str]:
    """Data URLs relative to the app root (the page may be served under a path prefix)."""
    wilayah = "/api/v1/wilayah?format=geojson&simplify={}&level={}"
    return {
        "kelurahan": wilayah.format(POLYGON_TOLERANCE, "kelurahan"),
        "kecamatan": wilayah.format(OUTLINE_TOLERANCE["kecamatan"], "kecamatan"),
        "kabkota": wilayah.format(OUTLINE_TOLERANCE["kabkota"], "kabkota"),
        "figures": "/api/v1/map/figures",
        "area": "/api/v1/map/areas/",
        "image": "/api/v1/map/image.png",
        "report": "/api/v1/map/report.pdf",
        "programs": "/api/v1/map/programs",
        "hexagons": "/api/v1/map/hexagons",
        "tiles": "/tiles/households/{z}/{x}/{y}.pbf",
        "program_tiles": "/tiles/enrolled/{z}/{x}/{y}.pbf",
    }


def basemaps(settings: Settings, choice: str | None = None) -> list[dict[str, str]]:
    """The configured basemaps, the chosen one (``osm`` or ``light``) first; none at all with
    ``choice == "none"`` or when no tile URL is configured."""
    if choice == "none":
        return []
    offered = [{"id": "osm", "name": "OpenStreetMap", "url": settings.tile_url or "",
                "attribution": settings.tile_attribution},
               {"id": "light", "name": "Terang (CARTO)", "url": settings.tile_light_url or "",
                "attribution": settings.tile_light_attribution}]
    offered = [b for b in offered if b["url"]]
    return sorted(offered, key=lambda b: b["id"] != choice)


def filter_choices(conn: Connection, principal: Principal) -> dict[str, Any]:
    """The choices of the coverage filters for ``principal``. Per-area figures under one
    program or agency are published only to roles that may see persons
    (``CoveragePublication.refuse_area_filters``): the others get no program or agency choice
    (``area_filters`` false), and a shared link carrying one opens without it, saying why."""
    area_filters = not principal.suppress_small_counts
    # Kab/kota and kecamatan: the area choices and the names on the drill-down breadcrumb.
    kecamatan = [dict(r._mapping) for r in conn.execute(text(
        "SELECT kode, nama, level FROM wilayah WHERE level IN ('kabkota', 'kecamatan') "
        "ORDER BY kode"))
                 if _in_scope(r.kode, principal.area_prefixes)]
    if not area_filters:
        return {"kecamatan": kecamatan, "programs": [], "agencies": [], "area_filters": False}
    programs = [dict(r._mapping) for r in conn.execute(text(
        "SELECT kode_program AS kode, nama, instansi FROM program ORDER BY kode_program"))]
    agencies = [dict(r._mapping) for r in conn.execute(text(
        "SELECT kode, nama FROM agency ORDER BY kode"))]
    return {"kecamatan": kecamatan, "programs": programs, "agencies": agencies,
            "area_filters": True}


def _in_scope(kode: str, prefixes: tuple[str, ...]) -> bool:
    """``kode`` lies in the scope or above part of it (the trail names its ancestors too)."""
    return not prefixes or any(within(kode, p) or within(p, kode) for p in prefixes)


# The page script's query keys, in its order (sasaran-map.js FILTER_KEYS, CLASS_KEYS).
FILTER_KEYS = ("ref_date", "desil_max", "program", "agency", "kecamatan")
CLASS_KEYS = ("figure", "scheme", "k", "ramp", "level", "lang")
HEXAGON_CLASS_KEYS = ("figure", "scheme", "k", "ramp", "lang")  # sasaran-points.js reloadPoints


def first_requests(state: dict[str, Any], lang: str, *, persons: bool) -> list[str]:
    """The data URLs the page script asks first, spelled exactly as it spells them, for the
    page to preload while its scripts download (the figures were asked only after all of
    them had run; at 1 M about 0.3 s later). A URL spelled otherwise is fetched twice, which
    the map's browser tests would see. Roles without household points get the hexagons too:
    the script asks them only once the figures are drawn, and at 1 M they are the slowest
    request (about 1 s), so asked alongside the figures rather than after them."""
    state = {**state, "lang": lang}

    def query(keys: tuple[str, ...]) -> str:
        return "&".join(f"{quote(k, safe=_SAFE)}={quote(str(state[k]), safe=_SAFE)}"
                        for k in keys if state.get(k) not in ("", None))

    links = urls()
    first = [f"{links['figures']}?{query(FILTER_KEYS)}&{query(CLASS_KEYS)}",
             links["kelurahan"], links["kecamatan"], links["kabkota"]]
    if not persons:
        first.append(f"{links['hexagons']}?{query(FILTER_KEYS)}&{query(HEXAGON_CLASS_KEYS)}")
    return first


_SAFE = "-_.!~*'()"  # what encodeURIComponent leaves as it is


def page_config(
    conn: Connection, principal: Principal, flt: MapFilter, classing: Classing, *, level: str,
) -> dict[str, Any]:
    choices = filter_choices(conn, principal)
    area_filters = choices["area_filters"]  # without: a link's program/agency is dropped
    state = {"ref_date": flt.ref_date.isoformat(), "desil_max": flt.desil_max,
             "program": (flt.program or "") if area_filters else "",
             "agency": (flt.agency or "") if area_filters else "",
             "kecamatan": flt.parent or "", "figure": classing.figure,
             "scheme": classing.scheme, "k": classing.k, "ramp": classing.ramp, "level": level}
    return {
        "urls": urls(),
        "preload": first_requests(state, classing.lang, persons=principal.can_see_persons),
        "persons": principal.can_see_persons,
        "point_min_zoom": POINT_MIN_ZOOM,
        "choices": choices,
        "area_filters": area_filters,
        # The trail's root: the user's own area when their scope is bounded.
        "scope": {"name": scope_name(conn, principal.area_prefixes),
                  "codes": list(principal.area_prefixes)},
        "state": state,
    }
