"""Reading and validating boundary files (GeoJSON, GeoPackage, Shapefile) before loading.

Output geometries are MultiPolygons in EPSG:4326 with (lon, lat) axis order. Every repair or
correction is reported, so the loader can tell the user what it changed and where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geo import codes
from geo.codes import normalise_code
from geo.errors import ImportRejected

CODE_FIELDS = ("kode", "kode_wilayah", "kd_wilayah", "kode_kemendagri", "kdepum", "code")
NAME_FIELDS = ("nama", "nama_wilayah", "nm_wilayah", "wadmkd", "name")
# Indonesia spans longitudes 95..141 and latitudes -11..6: the ranges do not overlap.
LON_RANGE = (94.0, 142.0)
LAT_RANGE = (-12.0, 7.0)


@dataclass
class BoundaryFeature:
    kode: str
    nama: str
    level: str
    parent_kode: str | None
    geometry: MultiPolygon


@dataclass
class BoundaryReport:
    file: str
    features: list[BoundaryFeature] = field(default_factory=list)
    repaired: dict[str, str] = field(default_factory=dict)
    reprojected_from: str | None = None
    axis_swapped: bool = False

    def messages(self) -> list[str]:
        notes = []
        if self.reprojected_from:
            notes.append(f"Diproyeksikan ulang dari {self.reprojected_from} ke EPSG:4326.")
        if self.axis_swapped:
            notes.append("Urutan sumbu tertukar (lat, lon) terdeteksi dan diperbaiki.")
        for kode, reason in self.repaired.items():
            notes.append(f"{kode}: geometri tidak valid ({reason}) diperbaiki.")
        return notes


def read_boundaries(
    path: str | Path,
    level: str | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
) -> BoundaryReport:
    """Read, validate and normalise one boundary file; raise ``ImportRejected`` on any bad
    feature, naming the file, the feature and the problem (nothing is loaded half-way)."""
    path = Path(path)
    frame = _read_frame(path)
    report = BoundaryReport(file=path.name)
    frame = _to_wgs84(frame, report)
    code_col = _pick_column(frame, code_field, CODE_FIELDS, path, "kode wilayah")
    name_col = _pick_column(frame, name_field, NAME_FIELDS, path, "nama wilayah")
    wanted = _wanted_level(level, path)
    seen: set[str] = set()
    for position, row in enumerate(frame.itertuples(index=False), start=1):
        feature = _validate_feature(
            path, position, getattr(row, code_col), getattr(row, name_col), row.geometry, wanted
        )
        if feature.kode in seen:
            raise ImportRejected(
                f"{path.name}: fitur {position} ({feature.kode}): kode muncul lebih dari sekali.",
                {"file": path.name, "feature": position, "kode": feature.kode},
            )
        seen.add(feature.kode)
        feature.geometry, reason = repair(feature.geometry)
        if reason:
            report.repaired[feature.kode] = reason
        report.features.append(feature)
    return report


def _read_frame(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        raise ImportRejected(f"{path}: berkas tidak ditemukan.", {"file": str(path)})
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise ImportRejected(
            f"{path.name}: berkas tidak dapat dibaca sebagai data spasial ({exc}).",
            {"file": path.name},
        ) from exc
    if frame.empty:
        raise ImportRejected(f"{path.name}: berkas tidak berisi fitur.", {"file": path.name})
    return frame


def _to_wgs84(frame: gpd.GeoDataFrame, report: BoundaryReport) -> gpd.GeoDataFrame:
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        report.reprojected_from = frame.crs.to_string()
        frame = frame.to_crs(4326)
    if _axes_swapped(frame):
        report.axis_swapped = True
        frame = frame.set_geometry(
            shapely.transform(frame.geometry.values, lambda xy: xy[:, ::-1]), crs=4326
        )
    return frame


def _axes_swapped(frame: gpd.GeoDataFrame) -> bool:
    minx, miny, maxx, maxy = frame.total_bounds
    in_lat = LAT_RANGE[0] <= minx and maxx <= LAT_RANGE[1]
    in_lon = LON_RANGE[0] <= miny and maxy <= LON_RANGE[1]
    return bool(in_lat and in_lon)


def _pick_column(
    frame: gpd.GeoDataFrame, explicit: str | None, candidates: tuple[str, ...], path: Path,
    what: str,
) -> str:
    by_lower = {str(c).lower(): str(c) for c in frame.columns}
    for name in ([explicit] if explicit else list(candidates)):
        if name.lower() in by_lower:
            return by_lower[name.lower()]
    raise ImportRejected(
        f"{path.name}: kolom {what} tidak ditemukan (dicari: {', '.join(candidates)}).",
        {"file": path.name, "column": explicit or candidates[0]},
    )


def _wanted_level(level: str | None, path: Path) -> str | None:
    if level is None:
        return None
    wanted = codes.normalise_level(level)
    if wanted is None:
        raise ImportRejected(
            f"{path.name}: level '{level}' tidak dikenal (pilih: {', '.join(codes.LEVELS)}).",
            {"file": path.name},
        )
    return wanted


def _validate_feature(
    path: Path, position: int, raw_code: object, raw_name: object, geometry: BaseGeometry | None,
    wanted: str | None,
) -> BoundaryFeature:
    kode = normalise_code(raw_code) if raw_code is not None and str(raw_code) != "nan" else ""

    def reject(problem: str) -> ImportRejected:
        label = f"fitur {position}" + (f" ({kode})" if kode else "")
        return ImportRejected(
            f"{path.name}: {label}: {problem}",
            {"file": path.name, "feature": position, "kode": kode or None, "reason": problem},
        )

    if not kode:
        raise reject("tidak memiliki kode wilayah.")
    level = codes.level_of(kode)
    if level is None:
        raise reject(f"kode '{kode}' bukan kode Kemendagri yang sah.")
    if wanted and level != wanted:
        raise reject(f"kode '{kode}' berlevel {level}, bukan {wanted}.")
    if geometry is None or geometry.is_empty:
        raise reject("tidak memiliki geometri.")
    if not isinstance(geometry, Polygon | MultiPolygon):
        raise reject(f"geometri {geometry.geom_type} bukan poligon.")
    nama = str(raw_name).strip() if raw_name is not None else ""
    if not nama or nama == "nan":
        raise reject("tidak memiliki nama wilayah.")
    return BoundaryFeature(kode, nama, level, codes.parent_of(kode), _as_multi(geometry))


def repair(geometry: MultiPolygon) -> tuple[MultiPolygon, str | None]:
    """Make a polygonal geometry valid, keeping only its polygonal parts.

    Returns the geometry and the validity reason when a repair was needed, else None.
    """
    if geometry.is_valid:
        return geometry, None
    reason = shapely.is_valid_reason(geometry)
    fixed = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
    return _as_multi(_polygonal_part(fixed)), reason


def _polygonal_part(geometry: BaseGeometry) -> BaseGeometry:
    if isinstance(geometry, Polygon | MultiPolygon):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    return shapely.union_all(parts)


def _as_multi(geometry: BaseGeometry) -> MultiPolygon:
    if isinstance(geometry, MultiPolygon):
        return geometry
    if isinstance(geometry, Polygon):
        return MultiPolygon([geometry])
    raise ValueError(f"unexpected geometry {geometry.geom_type}")
