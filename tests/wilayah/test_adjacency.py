"""Adjacency on the real boundary files: slivers, hairline gaps and corner contacts.

The expected neighbours were determined by plotting the polygons (projected to UTM) and looking
at every contact: see docs/rollout.md for what each case looks like.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.wilayah.adjacency import adjacency, contacts, is_contiguous, utm_epsg

GUNUNG_TELIHAN = "64.74.03.1002"
BELIMBING, KANAAN = "64.74.03.1001", "64.74.03.1003"
GUNUNG_ELAI, API_API, SATIMPO = "64.74.01.1005", "64.74.01.1006", "64.74.02.1004"
TANJUNG_LAUT, BERBAS_PANTAI, GUNTUNG = "64.74.02.1001", "64.74.02.1003", "64.74.01.1004"

# Every real common border in Bontang (15 kelurahan), from inspection of the plotted polygons.
BONTANG_BORDERS = {
    ("64.74.01.1001", "64.74.01.1002"), ("64.74.01.1001", "64.74.01.1006"),
    ("64.74.01.1001", "64.74.02.1006"), ("64.74.01.1002", "64.74.01.1005"),
    ("64.74.01.1002", "64.74.01.1006"), ("64.74.01.1003", "64.74.01.1004"),
    ("64.74.01.1003", "64.74.01.1005"), ("64.74.01.1003", "64.74.03.1001"),
    ("64.74.01.1005", "64.74.01.1006"), ("64.74.01.1005", "64.74.02.1004"),
    ("64.74.01.1005", "64.74.03.1001"), ("64.74.01.1005", "64.74.03.1002"),
    ("64.74.01.1005", "64.74.03.1003"), ("64.74.01.1006", "64.74.02.1001"),
    ("64.74.01.1006", "64.74.02.1004"), ("64.74.01.1006", "64.74.02.1006"),
    ("64.74.02.1001", "64.74.02.1002"), ("64.74.02.1001", "64.74.02.1004"),
    ("64.74.02.1001", "64.74.02.1006"), ("64.74.02.1002", "64.74.02.1003"),
    ("64.74.02.1002", "64.74.02.1004"), ("64.74.02.1004", "64.74.02.1005"),
    ("64.74.02.1004", "64.74.03.1001"), ("64.74.02.1004", "64.74.03.1003"),
    ("64.74.03.1001", "64.74.03.1002"), ("64.74.03.1001", "64.74.03.1003"),
    ("64.74.03.1002", "64.74.03.1003"),
}


def read_areas(path: Path) -> dict[str, BaseGeometry]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["kode"]: shape(f["geometry"]) for f in collection["features"]}


@pytest.fixture(scope="module")
def bontang(wilayah_dir: Path) -> dict[str, BaseGeometry]:
    return read_areas(wilayah_dir / "bontang_kelurahan.geojson")


@pytest.fixture(scope="module")
def bontang_graph(bontang: dict[str, BaseGeometry]) -> dict[str, set[str]]:
    return adjacency(bontang)


def edges(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {(a, b) for a, others in graph.items() for b in others if a < b}


def test_gunung_telihan_borders_exactly_belimbing_gunung_elai_and_kanaan(bontang_graph):
    assert bontang_graph[GUNUNG_TELIHAN] == {BELIMBING, GUNUNG_ELAI, KANAAN}


def test_bontang_graph_is_exactly_the_real_borders(bontang_graph):
    assert edges(bontang_graph) == BONTANG_BORDERS


def test_sliver_overlaps_between_real_neighbours_keep_them_neighbours(bontang):
    by_pair = {(c.a, c.b): c for c in contacts(bontang)}
    telihan_kanaan = by_pair[(GUNUNG_TELIHAN, KANAAN)]
    assert telihan_kanaan.overlap_m2 > 1000  # a real sliver, yet a real border of ~4 km
    assert telihan_kanaan.neighbours


def test_short_real_border_counts_but_a_corner_across_it_does_not(bontang_graph, bontang):
    # Api-api and Satimpo share a short (~170 m) border; it separates Gunung Elai from Tanjung
    # Laut, which come within ~150 m of each other at its two ends.
    assert SATIMPO in bontang_graph[API_API]
    assert TANJUNG_LAUT not in bontang_graph[GUNUNG_ELAI]
    assert bontang[GUNUNG_ELAI].distance(bontang[TANJUNG_LAUT]) > 0


def test_near_misses_across_water_or_a_strip_are_not_neighbours(bontang_graph):
    assert SATIMPO not in bontang_graph[BERBAS_PANTAI]
    assert BELIMBING not in bontang_graph[GUNTUNG]


def test_a_large_tolerance_would_join_areas_across_a_third_one(bontang):
    # The failure the rule guards against, shown with a careless 200 m snap.
    loose = adjacency(bontang, snap_m=200, min_shared_m=1)
    assert TANJUNG_LAUT in loose[GUNUNG_ELAI]


@pytest.fixture(scope="module")
def pangkalpinang(wilayah_dir: Path) -> dict[str, BaseGeometry]:
    return read_areas(wilayah_dir / "pangkalpinang_kelurahan.geojson")


@pytest.fixture(scope="module")
def balikpapan(wilayah_dir: Path) -> dict[str, BaseGeometry]:
    return read_areas(wilayah_dir / "balikpapan_kelurahan.geojson")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("19.71.07.1001", "19.71.07.1002"),  # Pasar Padi / Batu Intan
        ("19.71.02.1005", "19.71.04.1005"),  # Kejaksaan / Masjid Jamik
        ("19.71.02.1005", "19.71.04.1009"),  # Kejaksaan / Keramat
        ("19.71.04.1001", "19.71.05.1006"),  # Pintu Air / Kacang Pedang
    ],
)
def test_point_contacts_in_pangkalpinang_are_not_neighbours(pangkalpinang, a, b):
    assert pangkalpinang[a].intersects(pangkalpinang[b])  # naive intersects would say yes
    assert b not in adjacency({a: pangkalpinang[a], b: pangkalpinang[b]})[a]


def test_corner_sliver_in_pangkalpinang_does_not_make_neighbours(pangkalpinang):
    asam, keramat = "19.71.04.1006", "19.71.04.1009"
    assert pangkalpinang[asam].intersection(pangkalpinang[keramat]).area > 0
    assert keramat not in adjacency(pangkalpinang)[asam]


def test_hairline_gaps_in_pangkalpinang_are_bridged(pangkalpinang):
    graph = adjacency(pangkalpinang)
    air_salemba = "19.71.06.1005"
    for other in ("19.71.06.1004", "19.71.03.1008"):  # Gabek Dua, Rejosari
        assert not pangkalpinang[air_salemba].intersects(pangkalpinang[other])
        assert other in graph[air_salemba]


def test_sliver_poking_across_a_junction_in_balikpapan_is_not_a_border(balikpapan):
    mekar_sari, sumber_rejo = "64.71.04.1005", "64.71.04.1006"
    assert balikpapan[mekar_sari].intersection(balikpapan[sumber_rejo]).area > 0
    graph = adjacency(balikpapan)
    assert sumber_rejo not in graph[mekar_sari]
    # ... while the two areas that really meet at that junction are neighbours of Mekar Sari.
    assert {"64.71.04.1003", "64.71.04.1001"} <= graph[mekar_sari]


def test_four_corner_near_junction_in_balikpapan_joins_neither_diagonal(balikpapan):
    graph = adjacency(balikpapan)
    assert "64.71.05.1008" not in graph["64.71.01.1001"]  # Manggar / Sepinggan Baru
    assert "64.71.05.1002" not in graph["64.71.03.1003"]  # Karang Joang / Sepinggan


def test_contiguity_follows_the_graph(bontang_graph):
    assert is_contiguous({GUNUNG_TELIHAN, KANAAN, SATIMPO}, bontang_graph)
    assert not is_contiguous({GUNUNG_TELIHAN, SATIMPO}, bontang_graph)
    assert not is_contiguous(set(), bontang_graph)


def test_utm_zone_from_longitude_and_hemisphere():
    assert utm_epsg(117.47, 0.13) == 32650  # Bontang, just north of the equator
    assert utm_epsg(106.1, -2.1) == 32748  # Pangkalpinang
