"""``sasaran db up --citus``: a coordinator and workers on Unix sockets only, workers
registered, every node stopped by ``db down``, shards moved by ``db rebalance``."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.citus

ROOT = Path(__file__).resolve().parents[2]
SASARAN = ROOT / ".venv" / "bin" / "sasaran"
PORT = 5631  # coordinator; workers on 5632, 5633...


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # World-traversable: as root the nodes run as the unprivileged postgres user.
    workdir = Path(tempfile.mkdtemp(prefix="sasaran-citus-cli-"))
    workdir.chmod(0o755)
    yield workdir
    sasaran("db", "down", data_dir=workdir)
    subprocess.run(["rm", "-rf", str(workdir)], check=False)


def sasaran(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SASARAN_DATA_DIR=str(data_dir), SASARAN_PG_PORT=str(PORT), COLUMNS="200")
    return subprocess.run([str(SASARAN), *args], capture_output=True, text=True, env=env,
                          cwd=ROOT)


def node_dsn(data_dir: Path, name: str, port: int) -> str:
    return f"host={data_dir / 'citus' / name} port={port} user=sasaran dbname=sasaran"


def test_db_up_citus_starts_registers_and_stops_every_node(data_dir):
    up = sasaran("db", "up", "--citus", "--workers", "2", data_dir=data_dir)
    assert up.returncode == 0, up.stderr
    assert "2 pekerja" in up.stdout
    coordinator = node_dsn(data_dir, "coordinator", PORT)
    with psycopg.connect(coordinator) as conn:
        nodes = conn.execute(
            "SELECT nodename, nodeport, shouldhaveshards FROM pg_dist_node "
            "WHERE isactive ORDER BY nodeport").fetchall()
        assert nodes == [(str(data_dir / "citus" / "coordinator"), PORT, False),
                         (str(data_dir / "citus" / "worker1"), PORT + 1, True),
                         (str(data_dir / "citus" / "worker2"), PORT + 2, True)]
        assert conn.execute("SHOW shared_preload_libraries").fetchone() == ("citus",)
        # The coordinator reaches every worker (over their sockets).
        reached = conn.execute(
            "SELECT count(*) FROM run_command_on_workers('SELECT 1') WHERE success"
        ).fetchone()
        assert reached == (2,)
    for name, port in (("coordinator", PORT), ("worker1", PORT + 1), ("worker2", PORT + 2)):
        assert (data_dir / "citus" / name / f".s.PGSQL.{port}").is_socket()
        with psycopg.connect(node_dsn(data_dir, name, port)) as conn:
            assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
            assert {row[0] for row in conn.execute("SELECT extname FROM pg_extension")} >= {
                "citus", "postgis"}

    status = sasaran("db", "status", data_dir=data_dir)
    assert status.stdout.count("berjalan") == 3, status.stdout
    assert sasaran("db", "up", data_dir=data_dir).returncode == 0  # idempotent, still Citus

    assert sasaran("db", "down", data_dir=data_dir).returncode == 0
    status = sasaran("db", "status", data_dir=data_dir)
    assert status.stdout.count("berhenti") == 3, status.stdout


def test_added_worker_gets_shards_after_rebalance(data_dir):
    assert sasaran("db", "up", "--citus", "--workers", "2", data_dir=data_dir).returncode == 0
    with psycopg.connect(node_dsn(data_dir, "coordinator", PORT), autocommit=True) as conn:
        conn.execute("CREATE TABLE probe (kode_kabkota text PRIMARY KEY)")
        conn.execute("SELECT create_distributed_table('probe', 'kode_kabkota')")
    grown = sasaran("db", "up", "--workers", "3", data_dir=data_dir)
    assert grown.returncode == 0, grown.stderr
    worker3 = str(data_dir / "citus" / "worker3")
    placed = ("SELECT count(*) FROM citus_shards WHERE table_name = 'probe'::regclass "
              "AND nodename = %s")
    with psycopg.connect(node_dsn(data_dir, "coordinator", PORT)) as conn:
        assert conn.execute(placed, (worker3,)).fetchone() == (0,)
        shards = conn.execute("SELECT count(*) FROM citus_shards "
                              "WHERE table_name = 'probe'::regclass").fetchone()[0]
    moved = sasaran("db", "rebalance", data_dir=data_dir)
    assert moved.returncode == 0, moved.stderr
    with psycopg.connect(node_dsn(data_dir, "coordinator", PORT)) as conn:
        on_worker3 = conn.execute(placed, (worker3,)).fetchone()[0]
        per_worker = conn.execute(
            "SELECT nodename, count(*) FROM citus_shards "
            "WHERE table_name = 'probe'::regclass GROUP BY 1").fetchall()
    # 16 shards over 3 workers: each holds 5 or 6.
    assert shards == 16 and on_worker3 >= 5
    assert sorted(n for _, n in per_worker) == [5, 5, 6]


def test_single_node_refuses_workers_and_rebalance_with_a_clear_message(data_dir):
    refused = sasaran("db", "up", "--no-citus", "--workers", "2", data_dir=data_dir)
    assert refused.returncode != 0
    assert "--workers hanya berlaku dengan --citus" in refused.stderr
    assert "Traceback" not in refused.stderr
