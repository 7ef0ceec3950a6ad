"""``sasaran serve`` before it listens: a deployment whose configured poverty line is not the
line the stored FGT sums hold gets them rewritten for its line, once (docs/coverage.md)."""

from __future__ import annotations

import pytest
import uvicorn
from household_rows import row, write_csv
from sqlalchemy import text
from typer.testing import CliRunner

from app.cli import cli
from app.cli.base import settings
from app.services.coverage.steps import refresh_stale
from app.services.registry import import_households

from scratch import bontang_database

LINE = 300_000.0
ROWS = [row(1, kode_kelurahan="64.74.01.1001", jumlah_anggota=4,
            pengeluaran_per_kapita="250000.00"),
        row(2, kode_kelurahan="64.74.02.1003", jumlah_anggota=2,
            pengeluaran_per_kapita="350000.00")]


@pytest.fixture
def served(db_url, wilayah_dir, tmp_path, monkeypatch):
    """The serve command against a scratch registry of two households whose sums are stored
    for the default line; returns (invoke, engine); uvicorn never starts."""
    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(app))
    with bontang_database(db_url, wilayah_dir, "sasaran_serve_startup") as engine:
        with engine.begin() as conn:
            import_households(conn, write_csv(tmp_path / "a.csv", ROWS), key=b"k", user="uji")
            refresh_stale(conn)
        monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
        monkeypatch.setenv("SASARAN_POVERTY_LINE", str(LINE))
        monkeypatch.setenv("SASARAN_SECRET_KEY", "test-secret-key-0123456789abcdef0123456789")
        monkeypatch.setenv("SASARAN_DATA_DIR", str(tmp_path))

        def invoke():
            settings.cache_clear()
            result = CliRunner().invoke(cli, ["serve"])
            assert result.exit_code == 0 and len(started) == 1, result.output
            started.clear()
            return result.output

        yield invoke, engine
    settings.cache_clear()


def stored(engine):
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT kode_kelurahan, garis, persons, poor_persons FROM poverty_kelurahan "
            "ORDER BY 1")).all()


def test_serve_rewrites_the_sums_for_its_configured_line_once(served):
    invoke, engine = served
    assert {r.garis for r in stored(engine)} == {441_448}
    output = invoke()
    assert "dihitung ulang untuk garis kemiskinan Rp 300.000" in output
    # Below 300.000: the first household (4 persons) only.
    assert stored(engine) == [("64.74.01.1001", 300_000, 4, 4), ("64.74.02.1003", 300_000, 2, 0)]
    assert "dihitung ulang" not in invoke()  # the second start finds its line stored
