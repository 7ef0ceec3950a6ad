"""Single-node PostGIS and a Citus cluster (coordinator + 2 workers), fed the same files
through the same services, give the same figures (``scenario.py``); and what only the
distributed schema has is checked on its own: where rows live, and that a one-kab/kota query
runs on one shard. Runs in ``make test-citus`` (the session database is then Citus)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from scenario import MOVED_BY_CODE, MOVED_BY_POINT, play
from sqlalchemy import text

from app.services.coverage.sql import make_query
from app.sql import statement

pytestmark = pytest.mark.citus


@pytest.fixture(scope="module")
def played(single_node, engine, wilayah_dir) -> dict[str, dict]:
    """The scenario on both databases, each in a transaction rolled back afterwards."""
    out = {}
    for name, target in (("single", single_node), ("citus", engine)):
        folder = Path(tempfile.mkdtemp(prefix=f"sasaran-scenario-{name}-"))
        with target.connect() as conn:
            outer = conn.begin()
            try:
                out[name] = play(conn, wilayah_dir, folder)
            finally:
                outer.rollback()
                shutil.rmtree(folder, ignore_errors=True)
    return out


def test_the_database_under_test_is_citus(citus):
    assert citus.execute(text(
        "SELECT count(*) FROM pg_dist_node WHERE shouldhaveshards")).scalar_one() == 2


@pytest.mark.parametrize("part", ["import 1", "enrollments", "near misses", "suggestions",
                                  "decisions", "suggestions by status", "import 2", "regeocode",
                                  "stored", "before refresh", "after refresh"])
def test_citus_gives_the_figures_of_single_node(played, part):
    single, citus = played["single"][part], played["citus"][part]
    if isinstance(single, dict):
        assert single.keys() == citus.keys()
        for key in single:
            assert citus[key] == single[key], key
    else:
        assert citus == single


@pytest.mark.parametrize("name", ["single", "citus"])
def test_near_misses_get_their_household_first_and_a_confirmed_one_is_enrolled(played, name):
    """The known truth of ``near_misses``, scored by hand from geo.coverage.linkage's rules."""
    # "Kepala 5" is as close as 0.94 to the heads named with one digit more ("Kepala 15",
    # "Kepala 50"...): each of them in S0005's kecamatan costs the reissued KK 0.12.
    where = {h[0]: h[1] for h in played[name]["stored"]["household"]}
    namesakes = [k for k in where if int(k[1:]) in (15, 25, 35, 45, *range(50, 60))
                 and where[k][:8] == where["S0005"][:8]]
    assert len(namesakes) == 1
    top = {e["nomor_baris"]: e["saran"][0] for e in played[name]["suggestions"]
           if e["kode_program"] == "PKH" and e["kunci"] != "id_keluarga"
           and e["tanggal_mulai"] == date(2024, 7, 1)}
    assert {n: (s["id_keluarga"], s["skor"], [r["kode"] for r in s["alasan"]])
            for n, s in top.items()} == {
        2: ("S0001", round(0.62 + 0.30, 3), ["nik_satu_digit", "nama_mirip"]),
        3: ("S0002", 0.99, ["nik_tertukar", "nama_mirip", "tanggal_lahir_sama"]),  # capped
        4: ("S0005", round(0.30 + 0.40 - 0.12 * len(namesakes), 3), ["kk_berubah_nama_kepala"]),
        5: ("S0004", round(0.45 + 0.50, 3), ["nama_tanggal_lahir"]),
    }  # row 6, a stranger: nothing
    decided = played[name]["suggestions by status"]
    assert [(e["nomor_baris"], [s["id_keluarga"] for s in e["saran"]])
            for e in decided["dikonfirmasi"]] == [(2, ["S0001"])]
    assert [(e["nomor_baris"], [s["id_keluarga"] for s in e["saran"]])
            for e in decided["ditolak"]] == [(4, ["S0005"])]
    assert 2 not in [e["nomor_baris"] for e in decided["baru"]]
    # The confirmed row is S0001's enrollment, in its kab/kota, covering it from 2024-07-01.
    s0001 = next(h for h in played[name]["stored"]["household"] if h[0] == "S0001")
    confirmed = [e for e in played[name]["stored"]["enrollment"]
                 if e[1] == "S0001" and e[5] == date(2024, 7, 1)]
    assert [(e[0], e[2], e[3], e[6], e[7]) for e in confirmed] == [
        ("PKH", s0001[3], "nik", None, "matched")]


def test_moved_households_live_once_in_their_new_kabkota_with_their_rows(played):
    stored = played["citus"]["stored"]
    homes = {h[0]: h[3] for h in stored["household"]}
    assert len(homes) == len(stored["household"])  # each id_keluarga once
    assert (homes[MOVED_BY_CODE], homes[MOVED_BY_POINT]) == ("64.71", "64.71")
    for table in ("member", "enrollment", "segment"):
        rows = [r for r in stored[table] if r[1 if table == "enrollment" else 0] in
                (MOVED_BY_CODE, MOVED_BY_POINT)]
        assert rows, table
        assert {r[2] for r in rows} == {"64.71"}, table
    # Both kelurahan of each move await a refresh of their steps.
    assert {("64.74", "64.74.01.1001"), ("64.71", "64.71.01.1001")} <= set(stored["stale"])


def test_a_kabkota_s_rows_of_every_table_share_one_worker(citus, wilayah_dir, tmp_path):
    play(citus, wilayah_dir, tmp_path)
    placed = citus.execute(text(
        "SELECT k.kode_kabkota, t.name, c.nodename "
        "FROM (SELECT DISTINCT kode_kabkota FROM household) k "
        "CROSS JOIN unnest(ARRAY['household', 'member', 'enrollment', 'coverage_segment', "
        "'coverage_step']) AS t(name) "
        "JOIN citus_shards c ON c.shardid = get_shard_id_for_distribution_column("
        "CAST(t.name AS regclass), k.kode_kabkota)")).all()
    nodes: dict[str, set[str]] = {}
    for kabkota, _, node in placed:
        nodes.setdefault(kabkota, set()).add(node)
    assert sorted(nodes) == ["19.71", "64.71", "64.74"]
    assert all(len(n) == 1 for n in nodes.values()), nodes  # co-located
    assert len(set.union(*nodes.values())) == 2  # and both workers hold some


@pytest.mark.parametrize("name", ["steps_by_area", "key_steps_by_area"])
def test_a_one_kabkota_query_is_routed_to_one_shard(citus, name):
    sql = "EXPLAIN " + statement(f"coverage/{name}.sql")
    extra = {"stale": [], "code_length": 13, "kunci": "p1"}  # kunci: the filtered figures
    params = make_query(None, 4, None, None, "64.71", ()).params(citus)
    plan = citus.execute(text(sql), {**params, **extra}).scalars().all()
    assert any(line.strip() == "Task Count: 1" for line in plan), plan
    national = make_query(None, 4, None, None, None, ()).params(citus)
    plan = citus.execute(text(sql), {**national, **extra}).scalars().all()
    assert any(line.strip() == "Task Count: 16" for line in plan), plan
