"""No plain NIK anywhere at rest: a full pg_dump and every log line, after importing files built
to leak, hold none of the source numbers.

The files put NIKs where the masking of known columns never looked: an extra column
(``NIK_PASANGAN``), a free-text note ("NIK istri 6474 0217 4978 0003"), a file name, a
header-less file whose first data row is echoed in the error ("Kolom yang ada: ..."), rejected
enrollment and member rows with an extra identity column. The imports run through the real
app on a database of their own (committed, so ``pg_dump`` sees them); the app's log records and
the PostgreSQL server log are read too.
"""

from __future__ import annotations

import logging
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import TEST_SECRET
from fastapi.testclient import TestClient
from household_rows import row
from sqlalchemy import make_url, text

from app.db import migrate
from app.db.engine import make_engine
from app.main import create_app
from app.services.wilayah import load_boundaries
from app.settings import Settings

# Valid NIKs (kecamatan 647402, real dates) that appear only in places that must be masked.
LEAKS = {
    "pasangan": "6474021709780011",
    "catatan": "6474024109780012",
    "berkas": "6474021709780013",
    "tanpa_judul": "6474021709780014",
    "tanpa_judul_kk": "6474020101000015",
    "kepesertaan": "6474021709780016",
    "kepesertaan_lama": "6474021709780017",
    "anggota_ayah": "6474021709780018",
    "log": "6474021709780019",
}
SPACED = "6474 0241 0978 0012"  # how the note writes LEAKS["catatan"]


def _csv(rows: list[dict[str, str]]) -> bytes:
    lines = [",".join(rows[0])] + [",".join(r.values()) for r in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def own_database(engine, db_url):
    """A fresh, migrated database in the test cluster, dropped afterwards."""
    name = f"bocor_{uuid.uuid4().hex[:8]}"
    admin = engine.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(db_url).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    own = make_engine(url)
    try:
        yield url, own
    finally:
        own.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
def captured_log():
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield lines
    root.removeHandler(handler)
    root.setLevel(level)


def test_pg_dump_and_logs_hold_no_plain_nik(own_database, captured_log, wilayah_dir, tmp_path,
                                            pg_cluster):
    url, own = own_database
    with own.begin() as conn:
        load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    settings = Settings(database_url=url, data_dir=tmp_path, secret_key=TEST_SECRET,
                        auth_disabled=True)
    client = TestClient(create_app(settings, engine=own), raise_server_exceptions=False)

    good = row(1) | {"NIK_PASANGAN": LEAKS["pasangan"], "catatan": "-"}
    bad = row(2, desil="11") | {"NIK_PASANGAN": LEAKS["pasangan"],
                                "catatan": f"NIK istri {SPACED}"}
    name = f"dtks-{LEAKS['berkas']}.csv"
    response = client.post("/api/v1/imports/households",
                           files={"file": (name, _csv([good, bad]), "text/csv")})
    assert response.status_code == 200, response.text
    assert response.json()["batch"]["baris_ditolak"] == 1

    headless = ",".join(["K9", LEAKS["tanpa_judul_kk"], LEAKS["tanpa_judul"], "Siti", "Jl",
                         "64.74.03.1002", "", "", "3", "2", "", "terverifikasi", ""])
    response = client.post("/api/v1/imports/households",
                           files={"file": ("tanpa-judul.csv", f"{headless}\n".encode(),
                                           "text/csv")})
    assert response.status_code == 422
    assert "*" in response.text  # the echoed row is there, masked

    assert client.put("/api/v1/programs/PKH", json={"nama": "PKH", "instansi": "DINSOS"}
                      ).status_code < 300
    enrollments = ("kode_program,nik,nik_lama,tanggal_mulai\n"
                   f"TIDAK-ADA,{LEAKS['kepesertaan']},{LEAKS['kepesertaan_lama']},2025-01-01\n")
    response = client.post("/api/v1/enrollments/import",
                           files={"file": ("pkh.csv", enrollments.encode(), "text/csv")})
    assert response.status_code == 200, response.text
    assert response.json()["batch"]["baris_ditolak"] == 1

    members = _csv([{"id_keluarga": "K00001", "nik": "6474029909780020", "nama": "Anak",
                     "hubungan": "anak", "jenis_kelamin": "L", "tanggal_lahir": "2010-01-01",
                     "disabilitas": "tidak", "NIK_AYAH": LEAKS["anggota_ayah"]}])
    response = client.post("/api/v1/imports/households", files={
        "file": ("ulang.csv", _csv([good]), "text/csv"),
        "members": ("anggota.csv", members, "text/csv")})
    assert response.status_code == 200, response.text
    assert response.json()["anggota"]["baris_ditolak"] == 1

    logging.getLogger("sasaran.uji").warning("baris dengan NIK %s", LEAKS["log"])

    dump = subprocess.run(
        ["pg_dump", make_url(url).set(drivername="postgresql").render_as_string(
            hide_password=False)], capture_output=True, text=True, check=True).stdout
    server_log = ""
    if pg_cluster is not None:
        server_log = Path(pg_cluster.pgdata / "server.log").read_text(errors="replace")
    haystack = "\n".join([dump, *captured_log, server_log])
    assert "647402********0011" in dump  # the rejected row is kept, masked
    assert "rejected_row" in dump and "import_batch" in dump
    found = {k: n for k, n in LEAKS.items() if n in haystack or n in re.sub(r"[ -]", "", haystack)}
    assert found == {}
    assert SPACED not in haystack
    assert any("647402********0019" in line for line in captured_log)
