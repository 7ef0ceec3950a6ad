"""The boundaries of the 10-million benchmark: Kalimantan Timur with a desa layer everywhere.

Real files (../shared/data/wilayah/): the ten kab/kota of Kalimantan Timur, the kecamatan and
kelurahan of Balikpapan and Bontang, the kecamatan and desa of Kutai Timur, and Kab. Balangan
(Kalimantan Selatan, the neighbour whose desa file the data set ships).

The seven kab/kota without such files get SYNTHETIC kecamatan and desa, written to
``bench/out/wilayah/`` and loaded through the same ``load_boundaries`` as the real ones:
seeded random points inside the kab/kota polygon, their Voronoi cells clipped to it
(kecamatan), then the same inside each kecamatan (desa). The counts follow the real number of
kecamatan and desa/kelurahan (BPS, Kalimantan Timur dalam Angka 2023, rounded), so the areas
have plausible sizes; the shapes are not the real ones. Codes follow Kemendagri's pattern
(``64.02.07`` kecamatan, ``64.02.07.2011`` desa; ``1xxx`` kelurahan in Kota Samarinda) and
names say "sintetis", so nobody mistakes them for the real desa.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping

from common import WILAYAH

REAL_FILES = (
    "kaltim_kabkota.geojson",
    "balikpapan_kecamatan.geojson", "balikpapan_kelurahan.geojson",
    "bontang_kecamatan.geojson", "bontang_kelurahan.geojson",
    "kutai_timur_kecamatan.geojson", "kutai_timur_desa.geojson",
    "balangan_kecamatan.geojson", "balangan_desa.geojson",
)
# kab/kota without real files: (kecamatan, desa/kelurahan), BPS 2023 rounded.
SYNTHETIC = {
    "64.01": (10, 144),  # Paser
    "64.02": (20, 237),  # Kutai Kartanegara
    "64.03": (13, 110),  # Berau
    "64.07": (16, 194),  # Kutai Barat
    "64.09": (4, 54),    # Penajam Paser Utara
    "64.11": (5, 50),    # Mahakam Ulu
    "64.72": (10, 59),   # Kota Samarinda: kelurahan
}
# Share of households by kab/kota: population at the 2020 census (thousands).
POPULATION = {
    "64.01": 275, "64.02": 730, "64.03": 249, "64.07": 166, "64.08": 434, "64.09": 178,
    "64.11": 33, "64.71": 688, "64.72": 827, "64.74": 178, "63.11": 130,
}


def synthetic_files(out: Path, seed: int = 18) -> list[Path]:
    """Write the synthetic kecamatan and desa GeoJSON files; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    kab = {f["properties"]["kode"]: shapely.make_valid(shapely.geometry.shape(f["geometry"]))
           for f in json.loads((WILAYAH / "kaltim_kabkota.geojson").read_text())["features"]}
    kecamatan, desa = [], []
    for code, (n_kec, n_desa) in SYNTHETIC.items():
        prefix = "1" if code.startswith("64.7") else "2"  # kota: kelurahan, kab: desa
        kec_shapes = _cells(kab[code], n_kec, rng)
        per_kec = np.bincount(rng.integers(0, len(kec_shapes), n_desa - len(kec_shapes)),
                              minlength=len(kec_shapes)) + 1
        for i, (shape, k) in enumerate(zip(kec_shapes, per_kec, strict=True), start=1):
            kec_code = f"{code}.{i:02d}"
            kecamatan.append(_feature(kec_code, f"Kecamatan sintetis {kec_code}", "kecamatan",
                                      shape))
            for j, cell in enumerate(_cells(shape, int(k), rng), start=1):
                desa_code = f"{kec_code}.{prefix}{j:03d}"
                desa.append(_feature(desa_code, f"Desa sintetis {desa_code}", "desa_kelurahan",
                                     cell))
    paths = []
    for name, features in (("kecamatan", kecamatan), ("desa", desa)):
        path = out / f"kaltim_sintetis_{name}.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
        paths.append(path)
    return paths


def _cells(polygon: shapely.Geometry, n: int, rng: np.random.Generator) -> list:
    """``n`` Voronoi cells of seeded points inside ``polygon``, clipped to it (largest first
    part kept as a MultiPolygon; empty or sliver cells dropped by merging the seeds again)."""
    seeds = _points_inside(polygon, n, rng)
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=polygon)
    clipped = [shapely.intersection(c, polygon) for c in shapely.get_parts(cells)]
    kept = [c for c in clipped if not c.is_empty and c.area > 0]
    return [shapely.multipolygons(shapely.get_parts(shapely.make_valid(c)))
            if c.geom_type != "MultiPolygon" else c for c in kept]


def _points_inside(polygon: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = polygon.bounds
    found: list[np.ndarray] = []
    shapely.prepare(polygon)
    while sum(len(f) for f in found) < n:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(max(4 * n, 64), 2))
        found.append(xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])])
    return np.concatenate(found)[:n]


def _feature(kode: str, nama: str, level: str, geom: shapely.Geometry) -> dict:
    polygons = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    shape = shapely.set_precision(shapely.multipolygons(polygons), 1e-6)
    label = shape.representative_point()
    return {"type": "Feature", "geometry": mapping(shape),
            "properties": {"kode": kode, "nama": nama, "level": level,
                           "label_lat": label.y, "label_lon": label.x}}


def boundary_files(out: Path) -> list[Path]:
    """Every file to load, parents before children."""
    real = [WILAYAH / name for name in REAL_FILES]
    kec, desa = synthetic_files(out)
    return [real[0], kec, *real[1:], desa]
