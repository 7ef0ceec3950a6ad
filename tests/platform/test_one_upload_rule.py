"""The API and the CLI refuse the same files with the same one-line Indonesian message, from one
place (``app.uploads.check_file``/``sniff_kind``, ``app.failures``), and neither shows a stack
trace: an XLSX bomb, a UTF-16 file, a NUL byte, a database that is not there. Also: a file name
of more than 255 bytes, and a chunked upload over the limit (413, not 400)."""

from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from household_rows import row, write_csv

from app.services.wilayah import load_boundaries
from app.uploads import MAX_NAME_BYTES, short_name

ROOT = Path(__file__).resolve().parents[2]
SASARAN = ROOT / ".venv" / "bin" / "sasaran"
CSV = "id_keluarga,no_kk\nK1,6474030101000001\n"


def bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (60 << 20))  # 60 MB of zeros
    return path


FILES = {
    "bom.xlsx": (bomb, "terlalu besar setelah dibuka"),
    "utf16.csv": (lambda p: (p.write_bytes(CSV.encode("utf-16")), p)[1], "UTF-16"),
    "utf16-tanpa-bom.csv": (lambda p: (p.write_bytes(CSV.encode("utf-16-le")), p)[1], "UTF-16"),
    "nul.csv": (lambda p: (p.write_bytes(b"id_keluarga\nK1\x00\n"), p)[1], "byte NUL"),
}


def cli(*args: str, tmp_path: Path, url: str = "postgresql+psycopg://x@127.0.0.1:1/x"):
    env = dict(os.environ, DATABASE_URL=url, SASARAN_DATA_DIR=str(tmp_path), COLUMNS="300",
               SASARAN_MAX_XLSX_UNCOMPRESSED_MB="50")
    return subprocess.run([str(SASARAN), *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


@pytest.mark.parametrize("name", sorted(FILES))
def test_api_and_cli_refuse_the_same_file_with_the_same_words(client, settings, tmp_path, name):
    make, words = FILES[name]
    path = make(tmp_path / name)
    settings.max_xlsx_uncompressed_mb = 50
    api = client.post("/api/v1/imports/households",
                      files={"file": (name, path.read_bytes(), "text/csv")})
    assert api.status_code in (413, 422)
    message = api.json()["error"]["message"]
    assert words in message
    done = cli("import", "households", str(path), tmp_path=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == f"Galat: {message}"
    assert "Traceback" not in done.stderr + done.stdout


def test_a_database_that_is_not_there_is_one_line_not_a_traceback(tmp_path):
    path = tmp_path / "rt.csv"
    path.write_text(CSV, encoding="utf-8")
    done = cli("import", "households", str(path), tmp_path=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().startswith("Galat: Basis data tidak dapat dihubungi")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_file_name_over_255_bytes_is_shortened_not_a_500(client, conn, wilayah_dir, tmp_path):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    name = "ë" * 300 + ".csv"  # 602 bytes of UTF-8
    content = write_csv(tmp_path / "rt.csv", [row(1)]).read_bytes()
    response = client.post("/api/v1/imports/households",
                           files={"file": (name, content, "text/csv")})
    assert response.status_code == 200, response.text
    stored = response.json()["batch"]["nama_berkas"]
    assert stored == short_name(name) and stored.endswith("....csv")
    assert len(stored.encode()) <= MAX_NAME_BYTES


def test_a_chunked_upload_over_the_limit_gets_413(client, settings):
    settings.max_upload_mb = 1
    boundary = "batas"

    def body():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
               f"filename=\"besar.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode()
        for _ in range(3):
            yield b"x" * (1 << 20)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post("/api/v1/imports/households", content=body(),
                           headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413
    assert "melebihi batas 1 MB" in response.json()["error"]["message"]
