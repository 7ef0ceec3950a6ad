"""``sasaran demo-load`` (the data step of ``make demo``) end to end in a scratch database: the
sample city's programs and enrollments load and one account per role is made."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text

from scratch import scratch_database

ROOT = Path(__file__).resolve().parents[2]
SASARAN = ROOT / ".venv" / "bin" / "sasaran"
SAMPLES = ROOT / "data" / "samples"


def run(*args: str, url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=url, COLUMNS="200", SASARAN_DATA_DIR=str(data_dir))
    return subprocess.run([str(SASARAN), *args], capture_output=True, text=True, env=env,
                          cwd=ROOT)


def test_demo_load_fills_the_sample_city_and_makes_an_account_per_role(db_url, tmp_path):
    with scratch_database(db_url, "sasaran_demo_load") as url:
        assert run("migrate", url=url, data_dir=tmp_path).returncode == 0
        loaded = run("demo-load", url=url, data_dir=tmp_path)
        assert loaded.returncode == 0, loaded.stdout[-2000:] + loaded.stderr[-2000:]
        assert "Galat" not in loaded.stdout + loaded.stderr
        programs = list(csv.DictReader((SAMPLES / "program.csv").open(encoding="utf-8")))
        listed = list(csv.DictReader((SAMPLES / "kepesertaan.csv").open(encoding="utf-8")))
        engine = create_engine(url)
        with engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM program")).scalar() == len(programs)
            rows = conn.execute(text(
                "SELECT count(DISTINCT nomor_baris) FROM enrollment")).scalar()
            rejected = conn.execute(text(
                "SELECT count(*) FROM rejected_row r JOIN import_batch b ON b.id = r.batch_id "
                "WHERE b.jenis = 'kepesertaan'")).scalar()
        engine.dispose()
        assert rows + rejected == len(listed)  # every enrollment row kept or reported
        accounts = (tmp_path / "akun-demo.txt").read_text(encoding="utf-8").splitlines()
        assert [line.split("\t")[:2] for line in accounts] == [
            ["admin", "admin"], ["analis", "analyst"], ["dinsos", "agency"],
            ["pimpinan", "viewer"]]
