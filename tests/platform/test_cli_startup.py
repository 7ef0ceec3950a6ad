"""The CLI starts without the heavy libraries a command does not need: ``sasaran --help`` loads
none of them, ``sasaran check`` (a CSV of numbers against the registry) no pandas,
geopandas, matplotlib, FastAPI, folium or h3. Each run is a fresh interpreter, as a user's
shell starts one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "geopandas", "matplotlib", "polars", "shapely", "fastapi", "folium", "h3",
         "alembic", "sqlalchemy")

# Runs the command in-process (typer's runner), then reports which heavy modules were loaded.
PROBE = """
import json, sys
from typer.testing import CliRunner
from app.cli import cli
result = CliRunner().invoke(cli, sys.argv[1:])
print(json.dumps({"exit": result.exit_code, "output": result.output,
                  "loaded": [m for m in HEAVY_NAMES if m in sys.modules]}))
""".replace("HEAVY_NAMES", repr(HEAVY))


def run_cli(*args: str, env: dict[str, str] | None = None) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_loads_no_heavy_library():
    result = run_cli("--help")
    assert result["exit"] == 0 and "check" in result["output"]
    assert result["loaded"] == []


def test_check_loads_what_reading_a_list_needs_and_nothing_for_maps_or_the_web(tmp_path):
    numbers = tmp_path / "calon.csv"
    numbers.write_text("nik\n6474010101900001\n")
    # A server nobody listens on: the command gets as far as connecting, every import done.
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql://x@127.0.0.1:9/x",
           "SASARAN_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
           "SASARAN_DATA_DIR": str(tmp_path)}
    result = run_cli("check", str(numbers), env=env)
    assert result["exit"] != 0  # no database
    assert "sqlalchemy" in result["loaded"] and "polars" in result["loaded"]
    assert not {"pandas", "geopandas", "matplotlib", "fastapi", "folium", "h3"} & set(
        result["loaded"])
