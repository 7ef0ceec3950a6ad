"""``sasaran import programs|enrollments``, ``sasaran check`` and ``sasaran export coverage``
end to end in a scratch database (the CLI commits its transactions, as for a user)."""

from __future__ import annotations

import csv
import os
import random
import re
import subprocess
from pathlib import Path

import pytest
from coverage_fixture import (
    PROGRAMS,
    insert_households,
    is_target,
    make_enrollments,
    make_households,
    matched_households,
    write_csv,
)
from openpyxl import load_workbook
from sqlalchemy import create_engine

from scratch import scratch_database

ROOT = Path(__file__).resolve().parents[2]
SASARAN = ROOT / ".venv" / "bin" / "sasaran"
SECRET = "cli-coverage-secret"


@pytest.fixture(scope="module")
def cli_world(db_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    rng = random.Random(23)
    households = make_households(rng)
    with scratch_database(db_url, "sasaran_cli_coverage") as url:
        assert run("migrate", url=url).returncode == 0
        engine = create_engine(url)
        import coverage_fixture

        saved, coverage_fixture.KEY = coverage_fixture.KEY, SECRET.encode()
        try:
            with engine.begin() as conn:
                insert_households(conn, households)
        finally:
            coverage_fixture.KEY = saved
            engine.dispose()
        yield url, households, make_enrollments(rng, households), folder


def run(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=url, COLUMNS="200", SASARAN_SECRET_KEY=SECRET)
    return subprocess.run([str(SASARAN), *args], capture_output=True, text=True, env=env,
                          cwd=ROOT)


def test_import_check_and_export_from_the_command_line(cli_world):
    url, households, rows, folder = cli_world
    programs = folder / "program.csv"
    with open(programs, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kode_program", "nama", "instansi", "desil_maks", "wilayah_layanan"])
        for kode, agency, area, desil in PROGRAMS:
            writer.writerow([kode, f"Program {kode}", agency, desil or "", ";".join(area)])
        writer.writerow(["RUSAK", "", "DINSOS", "12", ""])
    done = run("import", "programs", str(programs), url=url)
    assert done.returncode == 0, done.stderr
    assert "5 program diterima" in done.stdout and "baris 7" in done.stdout

    enrollments = write_csv(folder / "kepesertaan.csv", rows)
    done = run("import", "enrollments", str(enrollments), url=url)
    assert done.returncode == 0, done.stderr
    unmatched = sum(1 for e in rows if not matched_households(e, households))
    assert f"tidak cocok {unmatched}" in done.stdout
    accepted = int(re.search(r"(\d+) baris diterima", done.stdout).group(1))
    again = run("import", "enrollments", str(enrollments), url=url)
    assert again.returncode == 0, again.stderr
    # every row is stored already: none is counted again, all are said to be there
    assert f"{accepted} baris diterima (sudah ada, tidak diubah {accepted})" in again.stdout

    candidates = folder / "calon.csv"
    candidates.write_text("nama,nik\nSatu," + households[0].nik_kepala + "\nDua,123\n",
                          encoding="utf-8")
    done = run("check", str(candidates), "--ref-date", "2024-06-01", url=url)
    assert done.returncode == 0, done.stderr
    with open(folder / "calon-hasil.csv", encoding="utf-8-sig") as handle:
        result = list(csv.DictReader(handle))
    assert [r["nama"] for r in result] == ["Satu", "Dua"]
    assert result[0]["hasil_ditemukan"] == "ya"
    assert result[0]["hasil_sasaran"] == ("ya" if is_target(households[0], 4) else "tidak")
    assert result[0]["hasil_kelurahan"] == households[0].kel
    assert result[1]["hasil_ditemukan"] == "tidak" and result[1]["hasil_catatan"]

    out = folder / "cakupan.xlsx"
    done = run("export", "coverage", "--format", "xlsx", "--out", str(out),
               "--ref-date", "2024-06-01", url=url)
    assert done.returncode == 0, done.stderr
    assert load_workbook(out).sheetnames == ["parameter", "kabkota", "kecamatan", "kelurahan"]
    done = run("coverage", "refresh", "--full", url=url)
    assert done.returncode == 0 and "disegarkan" in done.stdout


def test_a_missing_key_column_is_one_clear_line(cli_world):
    url, _, _, folder = cli_world
    bad = folder / "tanpa_kunci.csv"
    bad.write_text("nama\nSatu\n", encoding="utf-8")
    done = run("check", str(bad), url=url)
    assert done.returncode == 1
    assert "perlu kolom nik atau no_kk" in done.stderr and "Traceback" not in done.stderr
