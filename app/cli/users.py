"""``sasaran user ...``, ``sasaran apikey ...`` and ``sasaran audit``: accounts, keys and the
audit log, through the same service functions as the API."""

from __future__ import annotations

import getpass
import os
import secrets
import sys
from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from app import clock
from app.cli.base import cli, console, settings, transaction
from app.principal import ROLES, Principal
from geo.errors import InvalidInput

# The account services are imported by the command that runs (see app/cli/coverage.py).

user_app = typer.Typer(help="Kelola akun pengguna (peran, wilayah, instansi).",
                       no_args_is_help=True)
apikey_app = typer.Typer(help="Kelola kunci API untuk klien mesin.", no_args_is_help=True)
cli.add_typer(user_app, name="user")
cli.add_typer(apikey_app, name="apikey")
DEMO_ADMIN = "admin"
DEMO_PASSWORD_FILE = "kata-sandi-admin.txt"


def _cli_principal() -> Principal:
    """Changes made from the command line are audited under the operating-system user."""
    return Principal(username=f"cli:{getpass.getuser()}", role="admin")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Kata sandi: ")
    if first != getpass.getpass("Ulangi kata sandi: "):
        raise InvalidInput("Kedua kata sandi tidak sama.")
    return first


@user_app.command("add")
def user_add(
    username: str = typer.Argument(..., help="Nama pengguna (huruf kecil)"),
    role: str = typer.Option(..., "--role", help=f"Peran: {', '.join(ROLES)}"),
    area: list[str] = typer.Option([], "--area", help="Awalan kode wilayah, mis. 64.74 (ulang)"),
    agency: str = typer.Option(None, "--agency", help="Kode instansi (peran agency)"),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Baca kata sandi dari stdin"),
    api_only: bool = typer.Option(False, "--api-only", help="Tanpa kata sandi: hanya kunci API"),
) -> None:
    """Tambah akun pengguna."""
    from app.services.access import audit, users

    password = None if api_only else _read_password(password_stdin)
    with transaction() as conn:
        users.create_user(conn, username, role, password, area, agency)
        audit.record(conn, _cli_principal(), "user.add", username,
                     {"peran": role, "wilayah": area, "instansi": agency})
    console.print(f"Pengguna {username} ({role}) dibuat.")


@user_app.command("list")
def user_list() -> None:
    """Daftar akun."""
    from app.services.access import users

    with transaction() as conn:
        rows = users.list_users(conn)
    table = Table("pengguna", "peran", "wilayah", "instansi", "aktif", "kunci API",
                  "masuk terakhir")
    for r in rows:
        table.add_row(r["nama_pengguna"], r["peran"], ", ".join(r["awalan_wilayah"]) or "semua",
                      r["kode_instansi"] or "-", "ya" if r["aktif"] else "tidak",
                      str(r["kunci_aktif"]), f"{r['masuk_terakhir']:%Y-%m-%d %H:%M}"
                      if r["masuk_terakhir"] else "-")
    console.print(table)


@user_app.command("disable")
def user_disable(username: str) -> None:
    """Nonaktifkan akun (sesi dan kunci API-nya langsung tidak berlaku)."""
    from app.services.access import audit, users

    with transaction() as conn:
        users.set_active(conn, username, False)
        audit.record(conn, _cli_principal(), "user.disable", username)
    console.print(f"Pengguna {username} dinonaktifkan.")


@user_app.command("enable")
def user_enable(username: str) -> None:
    """Aktifkan kembali akun."""
    from app.services.access import audit, users

    with transaction() as conn:
        users.set_active(conn, username, True)
        audit.record(conn, _cli_principal(), "user.enable", username)
    console.print(f"Pengguna {username} diaktifkan.")


@user_app.command("password")
def user_password(username: str, password_stdin: bool = typer.Option(False, "--password-stdin")
                  ) -> None:
    """Ganti kata sandi akun."""
    from app.services.access import audit, users

    password = _read_password(password_stdin)
    with transaction() as conn:
        users.set_password(conn, username, password)
        audit.record(conn, _cli_principal(), "user.password", username)
    console.print(f"Kata sandi {username} diganti.")


@apikey_app.command("create")
def apikey_create(user: str = typer.Option(..., "--user"),
                  name: str = typer.Option(None, "--name", help="Keterangan kunci")) -> None:
    """Buat kunci API; kunci hanya ditampilkan sekali ini."""
    from app.services.access import audit, users

    with transaction() as conn:
        key = users.create_api_key(conn, user, name)
        audit.record(conn, _cli_principal(), "apikey.create", user, {"awalan": key.split("_")[1]})
    console.print("Kunci API (simpan sekarang; tidak dapat ditampilkan lagi):")
    print(key)


@apikey_app.command("revoke")
def apikey_revoke(prefix: str = typer.Argument(..., help="Awalan kunci (lihat apikey list)")
                  ) -> None:
    """Cabut kunci API."""
    from app.services.access import audit, users

    with transaction() as conn:
        users.revoke_api_key(conn, prefix)
        audit.record(conn, _cli_principal(), "apikey.revoke", prefix)
    console.print("Kunci API dicabut.")


@apikey_app.command("list")
def apikey_list(user: str = typer.Option(None, "--user")) -> None:
    """Daftar kunci API (awalan saja; kuncinya sendiri tidak disimpan)."""
    from app.services.access import users

    with transaction() as conn:
        rows = users.list_api_keys(conn, user)
    table = Table("awalan", "pengguna", "nama", "dibuat", "dicabut", "dipakai terakhir")
    for r in rows:
        table.add_row(r["awalan"], r["nama_pengguna"], r["nama"] or "-",
                      f"{r['dibuat']:%Y-%m-%d}", f"{r['dicabut']:%Y-%m-%d}" if r["dicabut"]
                      else "-", f"{r['dipakai_terakhir']:%Y-%m-%d %H:%M}"
                      if r["dipakai_terakhir"] else "-")
    console.print(table)


@cli.command("audit")
def audit_list(
    user: str = typer.Option(None, "--user", help="Hanya pengguna ini"),
    action: str = typer.Option(None, "--action", help="Awalan aksi, mis. household"),
    since: datetime = typer.Option(None, "--since", formats=["%Y-%m-%d"], help="YYYY-MM-DD"),
    limit: int = typer.Option(50, "--limit", help="Jumlah baris di layar"),
    out: Path = typer.Option(None, "--out", help="Tulis semua baris yang cocok ke CSV"),
) -> None:
    """Tampilkan atau ekspor log audit (siapa melihat/mengubah apa, kapan)."""
    from app.services.access import audit

    if since is not None:  # the date is the office's (SASARAN_TIMEZONE), as on the audit page
        settings()
        since = clock.day_start(since.date())
    with transaction() as conn:
        rows = audit.entries(conn, user, action, since, None if out else limit)
        if out:
            with open(out, "w", newline="", encoding="utf-8") as handle:
                audit.write_csv(rows, handle)
            audit.record(conn, _cli_principal(), "audit.export", str(out),
                         {"user": user, "action": action, "since": since}, len(rows))
    if out:
        console.print(f"{len(rows)} baris audit ditulis ke {out}.")
        return
    table = Table("waktu", "pengguna", "peran", "aksi", "sasaran", "baris")
    for r in rows:
        table.add_row(f"{clock.local(r['waktu']):%Y-%m-%d %H:%M:%S %Z}", r["pengguna"],
                      r["peran"], r["aksi"], r["sasaran"] or "-", str(r["jumlah_baris"]))
    console.print(table)


# One account per role over the demo city, so each journey can be tried at once:
# (username, role, area prefixes, agency code).
DEMO_ACCOUNTS = (
    (DEMO_ADMIN, "admin", (), None),
    ("analis", "analyst", ("64.74",), None),
    ("dinsos", "agency", ("64.74",), "DINSOS"),
    ("pimpinan", "viewer", ("64.74",), None),
)
DEMO_ACCOUNTS_FILE = "akun-demo.txt"


@cli.command("demo-accounts")
def ensure_demo_accounts() -> None:
    """Akun demo per peran (admin, analis, dinsos, pimpinan) dengan kata sandi acak."""
    from app.services.access import audit, users

    data_dir = settings().data_dir
    accounts_file = data_dir / DEMO_ACCOUNTS_FILE
    made: list[tuple[str, str, str]] = []
    with transaction() as conn:
        existing = {u["nama_pengguna"] for u in users.list_users(conn)}
        for username, role, areas, agency in DEMO_ACCOUNTS:
            if username in existing:
                continue
            password = secrets.token_urlsafe(12)
            users.create_user(conn, username, role, password, list(areas), agency)
            audit.record(conn, _cli_principal(), "user.add", username,
                         {"peran": role, "wilayah": list(areas), "instansi": agency})
            made.append((username, role, password))
    if not made:
        if accounts_file.exists():
            console.print(f"Akun demo sudah ada; kata sandinya di {accounts_file}.")
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    for path, lines in ((accounts_file, [f"{u}\t{r}\t{p}" for u, r, p in made]),
                        (data_dir / DEMO_PASSWORD_FILE,
                         [p for u, _, p in made if u == DEMO_ADMIN])):
        if not lines:
            continue
        # Kept private to the operating-system user (0600) before any password is written.
        path.touch(mode=0o600, exist_ok=True)
        os.chmod(path, 0o600)
        with path.open("a", encoding="utf-8") as out:
            out.write("".join(f"{line}\n" for line in lines))
    table = Table("pengguna", "peran", "kata sandi")
    for username, role, password in made:
        table.add_row(username, role, password)
    console.print("Akun demo dibuat (juga tersimpan di "
                  f"{accounts_file}; masuk di /login):")
    console.print(table)
