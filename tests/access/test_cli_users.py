"""``sasaran user``, ``sasaran apikey`` and ``sasaran audit`` end to end, in a scratch database
(the CLI commits its transactions)."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.services.access import users

from scratch import scratch_database

ROOT = Path(__file__).resolve().parents[2]
SASARAN = ROOT / ".venv" / "bin" / "sasaran"


@pytest.fixture
def cli_url(db_url, tmp_path):
    with scratch_database(db_url, "sasaran_cli_users") as url:
        assert run("migrate", url=url, data_dir=tmp_path).returncode == 0
        yield url


def run(*args: str, url: str, data_dir: Path, stdin: str | None = None,
        zone: str = "Asia/Jakarta"):
    env = dict(os.environ, DATABASE_URL=url, COLUMNS="200", SASARAN_DATA_DIR=str(data_dir),
               SASARAN_TIMEZONE=zone)
    return subprocess.run([str(SASARAN), *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, input=stdin)


def test_user_apikey_and_audit_commands(cli_url, tmp_path):
    added = run("user", "add", "analis", "--role", "analyst", "--area", "64.74",
                "--password-stdin", url=cli_url, data_dir=tmp_path,
                stdin="kata-sandi-panjang\n")
    assert added.returncode == 0, added.stderr
    key_out = run("apikey", "create", "--user", "analis", url=cli_url, data_dir=tmp_path)
    key = key_out.stdout.strip().splitlines()[-1]
    assert key.startswith("ssr_")
    engine = create_engine(cli_url)
    with engine.begin() as conn:
        assert users.principal_for_api_key(conn, key).area_prefixes == ("64.74",)
        assert users.authenticate(conn, "analis", "kata-sandi-panjang").role == "analyst"
    listed = run("user", "list", url=cli_url, data_dir=tmp_path)
    assert "analis" in listed.stdout and "64.74" in listed.stdout
    assert run("apikey", "revoke", key.split("_")[1], url=cli_url, data_dir=tmp_path
               ).returncode == 0
    assert run("user", "disable", "analis", url=cli_url, data_dir=tmp_path).returncode == 0
    with engine.begin() as conn:
        assert users.principal_for_api_key(conn, key) is None
        assert users.authenticate(conn, "analis", "kata-sandi-panjang") is None
    engine.dispose()
    out = tmp_path / "audit.csv"
    exported = run("audit", "--out", str(out), url=cli_url, data_dir=tmp_path)
    assert exported.returncode == 0, exported.stderr
    actions = [r["aksi"] for r in csv.DictReader(out.open(encoding="utf-8"))]
    assert sorted(actions) == sorted(["user.add", "apikey.create", "apikey.revoke",
                                      "user.disable"])


def test_bad_role_is_one_clear_line_without_a_stack_trace(cli_url, tmp_path):
    result = run("user", "add", "x1", "--role", "raja", "--password-stdin", url=cli_url,
                 data_dir=tmp_path, stdin="kata-sandi-panjang\n")
    assert result.returncode == 1
    assert "Peran 'raja' tidak dikenal" in result.stderr and "Traceback" not in result.stderr


def test_demo_accounts_one_per_role_kept_private_and_made_once(cli_url, tmp_path):
    first = run("demo-accounts", url=cli_url, data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    accounts = tmp_path / "akun-demo.txt"
    assert oct(accounts.stat().st_mode & 0o777) == "0o600"
    lines = [line.split("\t") for line in accounts.read_text(encoding="utf-8").splitlines()]
    assert [(u, r) for u, r, _ in lines] == [("admin", "admin"), ("analis", "analyst"),
                                             ("dinsos", "agency"), ("pimpinan", "viewer")]
    passwords = {u: p for u, _, p in lines}
    assert len(set(passwords.values())) == 4
    assert (tmp_path / "kata-sandi-admin.txt").read_text().strip() == passwords["admin"]
    engine = create_engine(cli_url)
    with engine.begin() as conn:
        seen = {u: users.authenticate(conn, u, p) for u, p in passwords.items()}
    assert seen["admin"].area_prefixes == ()
    assert seen["analis"].area_prefixes == ("64.74",)
    assert (seen["dinsos"].role, seen["dinsos"].agency_kode) == ("agency", "DINSOS")
    assert (seen["pimpinan"].role, seen["pimpinan"].area_prefixes) == ("viewer", ("64.74",))

    again = run("demo-accounts", url=cli_url, data_dir=tmp_path)
    assert again.returncode == 0 and "sudah ada" in again.stdout
    assert accounts.read_text(encoding="utf-8").count("\n") == 4
    with engine.begin() as conn:
        assert users.authenticate(conn, "dinsos", passwords["dinsos"]) is not None
    engine.dispose()


def test_audit_since_is_the_offices_midnight_and_times_are_its_wall_clock(cli_url, tmp_path):
    # Midnight opening 4 Dec is 17.00 UTC in WIB (UTC+7) and 16.00 UTC in WITA (UTC+8): the
    # entry at 16.59.59 UTC is on the 3rd in WIB and on the 4th in WITA.
    engine = create_engine(cli_url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO audit_log (waktu, pengguna, peran, aksi) VALUES "
            "('2026-12-03 15:59:59+00', 'uji-zona', 'admin', 'zona.a'), "
            "('2026-12-03 16:59:59+00', 'uji-zona', 'admin', 'zona.b'), "
            "('2026-12-03 17:00:00+00', 'uji-zona', 'admin', 'zona.c')"))
    engine.dispose()
    out = tmp_path / "sejak.csv"
    for zone, kept in [("Asia/Jakarta", ["zona.c"]), ("Asia/Makassar", ["zona.c", "zona.b"])]:
        exported = run("audit", "--user", "uji-zona", "--since", "2026-12-04", "--out", str(out),
                       url=cli_url, data_dir=tmp_path, zone=zone)
        assert exported.returncode == 0, exported.stderr
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert [r["aksi"] for r in rows] == kept
    shown = run("audit", "--user", "uji-zona", url=cli_url, data_dir=tmp_path,
                zone="Asia/Makassar")
    assert "2026-12-04 01:00:00 WITA" in shown.stdout  # zona.c
    assert "2026-12-03 23:59:59 WITA" in shown.stdout  # zona.a
