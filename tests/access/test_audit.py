"""The audit log: every person-returning read and every import writes a row (who, role, what,
filter, row count, when); the table is append-only; ``sasaran audit`` lists and exports it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from access_world import World, bontang_rows, build_world
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from test_access_matrix import EXPECTATIONS, OK, PERSONS, ROLES, ROUTES, call

from app.principal import Principal
from app.security import PersonAccessDep
from app.services.access import audit, users

# Person-level routes that write no audit row of their own, and why.
NO_AUDIT = {
    ("GET", "/api/v1/imports/{batch}"): "batch summary: counts only, no person",
    # Points carry location, internal id and desil (no name, no NIK): personal data. The
    # /map page load that requests them is audited; API-key clients are audited once per key, layer
    # and minute (test_tiles_read_with_an_api_key_are_audited_once_per_key_layer_and_minute).
    ("GET", "/tiles/{layer}/{z}/{x}/{y}.pbf"): "audited per /map page load, not per tile",
    ("GET", "/perencanaan/rencana/baru"): "the plan editor: area figures, no person",
    ("GET", "/perencanaan/rencana/{plan_id}/ubah"): "the plan editor: area figures, no person",
}
PERSON_ROUTES = [r for r in ROUTES if r in EXPECTATIONS and EXPECTATIONS[r].roles == PERSONS]
AUDITED = [r for r in ROUTES if r in EXPECTATIONS and EXPECTATIONS[r].audit]


def audit_rows(conn, action: str | None = None) -> list[dict]:
    return audit.entries(conn, action=action)


def test_every_person_route_is_audited_or_explicitly_exempt():
    unaccounted = [r for r in PERSON_ROUTES if not EXPECTATIONS[r].audit and r not in NO_AUDIT]
    assert not unaccounted, f"person-returning routes with no audit expectation: {unaccounted}"


ALLOWED_CELLS = [(route, role) for route in AUDITED for role in sorted(ROLES)
                 if EXPECTATIONS[route].roles[role] == OK
                 and role in EXPECTATIONS[route].extra.get("audit_roles", ROLES)]


@pytest.mark.parametrize(("route", "role"), ALLOWED_CELLS,
                         ids=[f"{r[0]} {r[1]}-{role}" for r, role in ALLOWED_CELLS])
def test_audited_request_writes_one_row_naming_who_and_what(
        client_as, conn, world, tmp_path, route, role):
    action = EXPECTATIONS[route].audit
    before = len(audit_rows(conn, action))
    response = call(client_as(role, **ROLES[role]), route, world, tmp_path)
    assert 200 <= response.status_code < 400, response.text
    rows = audit_rows(conn, action)
    assert len(rows) == before + 1
    newest = rows[0]
    assert (newest["pengguna"], newest["peran"], newest["aksi"]) == (f"uji-{role}", role, action)
    assert newest["waktu"] > datetime.now(UTC) - timedelta(minutes=5)


def test_household_list_audit_records_the_filter_and_the_rows_returned(client_as, conn, world):
    client = client_as("analyst", **ROLES["analyst"])
    body = client.get("/api/v1/households", params={"desil_max": 2, "limit": 500}).json()
    expected = [r for r in bontang_rows() if int(r["desil"]) <= 2]
    assert body["total"] == len(body["items"]) == len(expected)
    newest = audit_rows(conn, "household.list")[0]
    assert newest["jumlah_baris"] == len(expected)
    assert 2 in newest["filter"].values()


def test_denied_request_writes_no_person_audit_row(client_as, conn, world):
    before = len(audit_rows(conn, "household"))
    assert client_as("viewer").get("/api/v1/households").status_code == 403
    assert len(audit_rows(conn, "household")) == before


def test_audit_log_refuses_update_and_delete(conn):
    audit.record(conn, Principal("uji", "admin"), "uji.aksi")
    for statement in ("UPDATE audit_log SET pengguna = 'lain'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), conn.begin_nested():
            conn.execute(text(statement))


def test_entries_filter_by_user_action_prefix_and_date_and_export_to_csv(conn):
    alice, budi = Principal("alice", "analyst", ("64.74",)), Principal("budi", "admin")
    audit.record(conn, alice, "household.read", "K1", {"desil_max": 4}, 1)
    audit.record(conn, alice, "household_list.x", "K2")  # '_' is not a wildcard
    audit.record(conn, budi, "household.list", None, {}, 7)
    assert [r["sasaran"] for r in audit.entries(conn, user="alice", action="household.")] == ["K1"]
    assert len(audit.entries(conn, action="household")) == 3
    future = datetime.now(UTC) + timedelta(days=1)
    assert audit.entries(conn, since=future) == []
    buffer = io.StringIO()
    audit.write_csv(audit.entries(conn, user="budi"), buffer)
    table = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert table[0] == list(audit.AUDIT_COLUMNS)
    assert (table[1][2], table[1][3], table[1][4], table[1][7]) == (
        "budi", "admin", "household.list", "7")


@pytest.fixture
def world(conn, settings, wilayah_dir, tmp_path) -> World:
    return build_world(conn, settings, wilayah_dir, tmp_path, balikpapan=False)


def test_person_access_dependency_refuses_aggregate_roles_and_audits(client_as, conn):
    def register(client):
        @client.app.get("/uji-perorangan")
        def read(access: PersonAccessDep) -> dict:
            access.logged("uji.perorangan", 3, "K1", {"desil": 1})
            return {}

        return client

    assert register(client_as("viewer")).get("/uji-perorangan").status_code == 403
    assert register(client_as("agency", agency="DINSOS")).get("/uji-perorangan"
                                                              ).status_code == 403
    assert audit_rows(conn, "uji.perorangan") == []
    assert register(client_as("analyst", area_prefixes=("64.74",))).get("/uji-perorangan"
                                                                         ).status_code == 200
    newest = audit_rows(conn, "uji.perorangan")[0]
    assert (newest["pengguna"], newest["jumlah_baris"], newest["sasaran"]) == ("uji-analyst", 3,
                                                                               "K1")


def test_tiles_read_with_an_api_key_are_audited_once_per_key_layer_and_minute(anon_client, conn):
    users.create_user(conn, "mesin", "analyst", None, ["64.74"])
    first, second = (users.create_api_key(conn, "mesin") for _ in range(2))
    conn.execute(text("INSERT INTO agency (kode, nama) VALUES ('DINSOS', 'Dinas Sosial')"))
    conn.execute(text("INSERT INTO program (kode_program, nama, instansi) "
                      "VALUES ('PKH', 'Program Keluarga Harapan', 'DINSOS')"))
    before = len(audit_rows(conn, "map.tile"))

    def read(key, layer, x, **params):
        response = anon_client.get(f"/tiles/{layer}/15/{x}/16300.pbf",
                                   params={"ref_date": "2026-06-30", **params},
                                   headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 200, response.text

    # The test's requests share one transaction, so one minute (now() is its start).
    for x in (13300, 13301, 13302):
        read(first, "households", x, kecamatan="64.74.03")
    read(first, "enrolled", 13300, program="PKH")
    read(second, "households", 13303)
    read(second, "households", 13304)
    rows = audit_rows(conn, "map.tile")
    rows = rows[: len(rows) - before]
    prefix = {key: key.split("_")[1] for key in (first, second)}
    got = sorted((r["sasaran"], r["filter"]["kunci"], r["filter"]["kecamatan"],
                  r["filter"]["wilayah"], r["filter"]["program"]) for r in rows)
    # One row per (key, layer), holding the minute's first tile and the areas it could see.
    assert got == sorted([
        ("households/15/13300/16300", prefix[first], "64.74.03", ["64.74.03"], None),
        ("enrolled/15/13300/16300", prefix[first], None, ["64.74"], "PKH"),
        ("households/15/13303/16300", prefix[second], None, ["64.74"], None)])
    assert {(r["pengguna"], r["peran"]) for r in rows} == {("mesin", "analyst")}


def test_a_tile_read_in_a_new_minute_is_audited_again(anon_client, conn):
    users.create_user(conn, "mesin", "admin", None, [])
    key = users.create_api_key(conn, "mesin")
    prefix = key.split("_")[1]
    # The minute before was audited for this key, and this minute for another key: neither
    # stands for this key's read now.
    conn.execute(text(
        "INSERT INTO audit_petak_menit (pengguna, kunci, lapisan, menit) VALUES "
        "('mesin', :k, 'households', date_trunc('minute', now()) - interval '1 minute'), "
        "('mesin', 'lain', 'households', date_trunc('minute', now()))"), {"k": prefix})
    before = len(audit_rows(conn, "map.tile"))
    for _ in range(2):
        response = anon_client.get("/tiles/households/15/13300/16300.pbf",
                                   headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 200
    assert len(audit_rows(conn, "map.tile")) == before + 1
    assert audit_rows(conn, "map.tile")[0]["filter"]["wilayah"] == "semua"
    # The guard rows are claimed, never updated: the log itself stays append-only.
    assert conn.execute(text(
        "SELECT count(*) FROM audit_petak_menit WHERE kunci = :k"), {"k": prefix}
    ).scalar_one() == 2
