"""``sasaran plan ...`` end to end, in a scratch database (the CLI commits its transactions)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rollout_rows import GUNUNG_TELIHAN, KANAAN, insert_households, plan_body
from sqlalchemy import create_engine

from app.services.wilayah import load_boundaries

from scratch import scratch_database

ROOT = Path(__file__).resolve().parents[2]
SASARAN = ROOT / ".venv" / "bin" / "sasaran"


@pytest.fixture(scope="module")
def cli_url(db_url, wilayah_dir):
    """One scratch database for the module: the commands commit, as they do for a user."""
    with scratch_database(db_url, "sasaran_cli_plan") as url:
        assert run("migrate", url=url).returncode == 0
        engine = create_engine(url)
        with engine.begin() as conn:
            load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
            insert_households(conn)
        engine.dispose()
        yield url


def run(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=url, COLUMNS="200")
    return subprocess.run([str(SASARAN), *args], capture_output=True, text=True, env=env,
                          cwd=ROOT)


def test_plan_commands_create_list_show_export_and_delete(cli_url, tmp_path):
    plan_file = tmp_path / "rencana.json"
    plan_file.write_text(json.dumps(plan_body()), encoding="utf-8")
    created = run("plan", "create", str(plan_file), url=cli_url)
    assert created.returncode == 0, created.stderr
    assert "Rencana 1 'Bontang terpadu' dibuat (2 gelombang)" in created.stdout
    assert "Bontang terpadu" in run("plan", "list", url=cli_url).stdout
    shown = run("plan", "show", "1", "--actual-date", "2024-01-01", url=cli_url)
    assert shown.returncode == 0, shown.stderr
    assert "Gunung Telihan" in shown.stdout and "0.0% -> 100.0%" in shown.stdout
    out = tmp_path / "rencana.xlsx"
    assert run("plan", "export", "1", "--out", str(out), url=cli_url).returncode == 0
    assert load_workbook(out).sheetnames == ["Parameter", "Gelombang", "Wilayah"]
    assert run("plan", "delete", "1", "--yes", url=cli_url).returncode == 0
    assert "Bontang terpadu" not in run("plan", "list", url=cli_url).stdout


def test_plan_pilot_and_priorities_print_the_choice(cli_url):
    pilot = run("plan", "pilot", "--parent", "64.74", "--ref-date", "2024-01-01", "--seed",
                GUNUNG_TELIHAN, "--max-households", "20", "--line", "500000", url=cli_url)
    assert pilot.returncode == 0, pilot.stderr
    assert f"Gunung Telihan ({GUNUNG_TELIHAN}), Kanaan ({KANAAN})" in pilot.stdout
    ranked = run("plan", "priorities", "--parent", "64.74", "--ref-date", "2024-01-01",
                 url=cli_url)
    assert ranked.returncode == 0, ranked.stderr
    assert "Satimpo" in ranked.stdout


def test_plan_errors_are_one_clear_line(cli_url, tmp_path):
    plan_file = tmp_path / "rencana.json"
    body = plan_body()
    body["gelombang"][1]["wilayah"].append(GUNUNG_TELIHAN)
    plan_file.write_text(json.dumps(body), encoding="utf-8")
    result = run("plan", "create", str(plan_file), url=cli_url)
    assert result.returncode == 1
    assert GUNUNG_TELIHAN in result.stderr and "Traceback" not in result.stderr
    broken = tmp_path / "rusak.json"
    broken.write_text("{", encoding="utf-8")
    result = run("plan", "create", str(broken), url=cli_url)
    assert result.returncode == 1 and "rusak.json" in result.stderr
