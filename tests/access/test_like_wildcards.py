"""A code from a request is a code, never a LIKE pattern: ``_``, ``%`` and ``\\`` in ``parent``
(or ``kecamatan``, tests/maps/test_tiles.py) match those characters only.

Before the fix ``parent=64.7_`` listed Bontang's (64.74) areas and ``parent=6%`` every area:
the statements glued ``:parent || '.%'`` into a LIKE. Kemendagri codes hold digits and dots
only, so each pattern here must find nothing, while the plain code still finds its areas.
"""

from __future__ import annotations

import pytest

from app.services.wilayah import load_boundaries

WILDCARDS = ("64.7_", "6%", "64.74.0_", "64\\.74", "%")


@pytest.fixture
def bontang(conn, wilayah_dir):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    load_boundaries(conn, wilayah_dir / "bontang_kecamatan.geojson")


def kelurahan_codes(client, parent):
    response = client.get("/api/v1/wilayah", params={"level": "kelurahan", "parent": parent})
    assert response.status_code == 200, response.text
    return [row["kode"] for row in response.json()]


def test_a_plain_parent_lists_its_areas(client, bontang):
    codes = kelurahan_codes(client, "64.74")
    assert len(codes) == 15 and all(c.startswith("64.74.") for c in codes)
    assert all(c.startswith("64.74.03.") for c in kelurahan_codes(client, "64.74.03"))


@pytest.mark.parametrize("parent", WILDCARDS)
def test_wildcards_in_parent_match_no_area(client, bontang, parent):
    assert kelurahan_codes(client, parent) == []
    response = client.get("/api/v1/wilayah", params={"format": "geojson", "parent": parent})
    assert response.status_code == 200
    assert response.json()["features"] == []


@pytest.mark.parametrize("parent", WILDCARDS)
def test_wildcards_in_the_rollout_parent_match_no_kelurahan(client, bontang, parent):
    response = client.get("/api/v1/rollout/priorities", params={"parent": parent})
    assert response.status_code == 200, response.text
    assert response.json() == []
    assert len(client.get("/api/v1/rollout/priorities", params={"parent": "64.74"}).json()) == 15
