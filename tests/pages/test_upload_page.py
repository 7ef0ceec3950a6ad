"""Unggah data without a browser, on a scratch database (an upload job commits in a worker
thread of its own): preview and mapping fix, progress, result figures and rejected rows as the
row rules say (recomputed here), the report, a file failing half-way leaving nothing loaded, an
agency's enrollment list with its unmatched rows, an admin's programs (new, updated, refused),
history, and who may do what."""

from __future__ import annotations

import csv
import html
import io
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from acting import act_as
from fastapi import Request
from fastapi.testclient import TestClient
from household_rows import row
from sqlalchemy import Engine, text

from app.main import create_app
from app.principal import Principal
from app.settings import Settings

from scratch import bontang_database

SECRET = "upload-page-secret-key-0123456789abcdef"


@pytest.fixture(scope="module")
def scratch(db_url: str, wilayah_dir: Path) -> Iterator[Engine]:
    with bontang_database(db_url, wilayah_dir, "sasaran_upload_page") as engine:
        yield engine


@pytest.fixture
def as_user(scratch: Engine, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    with scratch.begin() as conn:
        conn.execute(text("TRUNCATE household, import_batch, rejected_row, audit_log, "
                          "enrollment, program, agency CASCADE"))
        conn.execute(text("INSERT INTO agency (kode, nama) VALUES ('DINSOS', 'Dinas Sosial'), "
                          "('BAZNAS', 'BAZNAS')"))
        conn.execute(text("INSERT INTO program (kode_program, nama, instansi) VALUES "
                          "('PKH', 'Program Keluarga Harapan', 'DINSOS'), "
                          "('ZAKAT', 'Zakat produktif', 'BAZNAS')"))
    settings = Settings(database_url=str(scratch.url), data_dir=tmp_path, secret_key=SECRET)
    app = create_app(settings, engine=scratch)
    principals: dict[str, Principal] = {}

    def who(request: Request) -> Principal:  # each client names its principal in a header
        return principals[request.headers["x-uji-pengguna"]]

    def make(role: str, username: str | None = None, agency: str | None = None,
             areas: tuple[str, ...] = ()) -> TestClient:
        principal = Principal(username or f"uji-{role}", role, areas, agency)
        principals[principal.username] = principal
        return TestClient(app, raise_server_exceptions=False,
                          headers={"x-uji-pengguna": principal.username})

    act_as(app, who)
    yield make
    if hasattr(app.state, "jobs"):
        app.state.jobs.shutdown()


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def stage(client: TestClient, name: str, content: bytes, **form: str):
    return client.post("/unggah", data={"jenis": "rumah_tangga", **form},
                       files={"berkas": (name, content, "text/csv")}, follow_redirects=False)


def finish(client: TestClient, job_url: str, seconds: float = 120) -> str:
    """Poll the progress fragment until the job ends; the batch page's address or ''."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(job_url + "/status", follow_redirects=False)
        if status.status_code == 303:
            return status.headers["location"]
        assert status.status_code == 200
        if 'data-status="gagal"' in status.text:
            return ""
        time.sleep(0.1)
    raise AssertionError("upload did not finish")


def selects(html: str) -> dict[str, str]:
    """The preview's mapping choices: select name -> selected canonical column ('' = none)."""
    out = {}
    for name, options in re.findall(r'<select id="kolom-\d+" name="(kolom_\d+)"[^>]*>(.*?)'
                                    r"</select>", html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        out[name] = chosen.group(1) if chosen else ""
    return out


def blank_labels(html: str) -> dict[str, str]:
    """Each mapping select's first option (the "feeds no column" choice) as the page says it."""
    return dict(re.findall(r'<select id="kolom-\d+" name="(kolom_\d+)"[^>]*>\s*'
                           r'<option value="">([^<]*)</option>', html))


def test_households_with_bad_rows_are_previewed_mapped_loaded_and_reported(as_user, scratch):
    analyst = as_user("analyst", "analis-bontang")
    rows = [row(i) for i in range(1, 31)]
    rows[3]["desil"], rows[7]["nik_kepala"] = "12", "123"
    rows[12]["kode_kelurahan"] = "64.74.09.9999"
    rows[20]["id_keluarga"] = rows[19]["id_keluarga"]  # a repeated ID: the later row is refused
    # Not a known alias (NIK_KRT is one, and maps by itself): the user has to choose.
    renamed = [{("NOMOR INDUK KRT" if k == "nik_kepala" else k): v for k, v in r.items()}
               for r in rows]
    staged = stage(analyst, "dtks.csv", csv_bytes(renamed))
    assert staged.status_code == 303, staged.text
    job_url = staged.headers["location"]
    preview = analyst.get(job_url)
    assert "Kolom wajib yang belum terisi" in preview.text and "nik_kepala" in preview.text
    choices = selects(preview.text)
    headers = list(renamed[0])
    assert choices[f"kolom_{headers.index('NOMOR INDUK KRT')}"] == ""
    assert choices[f"kolom_{headers.index('desil')}"] == "desil"
    assert rows[0]["nik_kepala"] not in preview.text  # masked in the preview
    choices[f"kolom_{headers.index('NOMOR INDUK KRT')}"] = "nik_kepala"
    loading = analyst.post(job_url, data={**choices, "aksi": "muat"}, follow_redirects=False)
    assert loading.status_code == 303
    result_url = finish(analyst, job_url)
    assert result_url.startswith("/unggah/batch/")
    polled = analyst.get(job_url + "/status", headers={"hx-request": "true"})
    assert polled.status_code == 204 and polled.headers["hx-redirect"] == result_url
    result = analyst.get(result_url)
    bad = {5: "desil", 9: "nik_kepala", 14: "kode_kelurahan", 22: "id_keluarga"}
    assert 'data-angka="total">30<' in result.text
    assert f'data-angka="diterima">{30 - len(bad)}<' in result.text
    assert f'data-angka="ditolak">{len(bad)}<' in result.text
    table = result.text[result.text.index('id="tabel-ditolak"'):]
    shown = re.findall(r'<tr><td class="n">(\d+)</td><td>([^<]+)</td>', table)
    assert [(int(n), c) for n, c in shown] == sorted(bad.items())
    report = analyst.get(result_url + "/ditolak.csv")
    lines = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert [(int(r["nomor_baris"]), r["kolom"]) for r in lines] == sorted(bad.items())
    nik = [r["NOMOR INDUK KRT"] for r in lines]
    assert all(n.count("*") >= 3 for n in nik if len(n) > 10)
    with scratch.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM household")).scalar_one() == 26
        params = conn.execute(text("SELECT parameter FROM import_batch")).scalar_one()
    assert params["kolom"] == {"nomor_induk_krt": "nik_kepala"}
    history = analyst.get("/unggah")
    assert result_url in history.text and "dtks.csv" in history.text
    assert result_url not in as_user("analyst", "analis-lain").get("/unggah").text


def test_a_file_that_fails_half_way_leaves_nothing_and_says_why(as_user, scratch):
    analyst = as_user("analyst")
    content = csv_bytes([row(i) for i in range(1, 9001)]) + b"K99999,\xff\xfe,rusak\n"
    staged = stage(analyst, "besar.csv", content)
    job_url = staged.headers["location"]
    assert "Sekitar 9.001 baris data" in analyst.get(job_url).text
    analyst.post(job_url, data={"aksi": "muat", **selects(analyst.get(job_url).text)})
    assert finish(analyst, job_url) == ""
    page = analyst.get(job_url)
    assert "Berkas besar.csv: baris 9002 berisi karakter yang bukan UTF-8" in page.text
    assert "Tidak ada data dari berkas ini yang dimuat" in page.text
    with scratch.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM household")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM import_batch")).scalar_one() == 0


def test_an_agency_uploads_its_own_program_and_sees_the_unmatched_rows(as_user, scratch):
    admin = as_user("admin")
    loaded = stage(admin, "rt.csv", csv_bytes([row(i) for i in range(1, 6)]))
    preview = admin.get(loaded.headers["location"]).text
    admin.post(loaded.headers["location"], data={"aksi": "muat", **selects(preview)})
    assert finish(admin, loaded.headers["location"])
    officer = as_user("agency", "petugas-dinsos", agency="DINSOS")
    form = officer.get("/unggah")
    assert 'value="rumah_tangga"' not in form.text and "Zakat produktif" not in form.text
    list_ = ("nik,tanggal_mulai\n" + "".join(f"{row(i)['nik_kepala']},2026-01-0{i}\n"
                                             for i in (1, 2)) + "6474031505809999,2026-01-05\n")
    other = stage(officer, "zakat.csv", list_.encode(), jenis="kepesertaan", program="ZAKAT")
    start = other.text.index('id="g-program"')
    assert "kepesertaan program sendiri" in other.text[start:start + 200]
    staged = stage(officer, "pkh.csv", list_.encode(), jenis="kepesertaan", program="PKH")
    job_url = staged.headers["location"]
    officer.post(job_url, data={"aksi": "muat", **selects(officer.get(job_url).text)})
    result_url = finish(officer, job_url)
    result = officer.get(result_url)
    assert "Cocok dengan rumah tangga</dt><dd>2<" in result.text
    assert "Tidak cocok (disimpan, perlu diperbaiki)</dt><dd>1<" in result.text
    assert "Sudah ada, tidak diubah</dt><dd>0<" in result.text
    unmatched = result.text[result.text.index('id="tabel-tak-cocok"'):]
    assert "647403********9999" in unmatched and "6474031505809999" not in result.text
    batch = int(result_url.rsplit("/", 1)[1])
    assert as_user("agency", "petugas-baznas", agency="BAZNAS").get(
        f"/unggah/batch/{batch}").status_code == 403
    assert officer.get(f"/unggah/batch/{batch - 1}").status_code == 403  # households

    # The same list again, with one household more: only the new row counts as matched; the
    # three rows already stored (the unmatched one too) are said to be there, not hidden.
    bigger = list_ + f"{row(3)['nik_kepala']},2026-01-03\n"
    staged = stage(officer, "pkh-lagi.csv", bigger.encode(), jenis="kepesertaan", program="PKH")
    job_url = staged.headers["location"]
    officer.post(job_url, data={"aksi": "muat", **selects(officer.get(job_url).text)})
    again = officer.get(finish(officer, job_url)).text
    assert '<dd data-angka="diterima">4<' in again
    assert "Cocok dengan rumah tangga</dt><dd>1<" in again
    assert "Tidak cocok (disimpan, perlu diperbaiki)</dt><dd>0<" in again
    assert "Sudah ada, tidak diubah</dt><dd>3<" in again


def test_form_mistakes_are_named_next_to_their_field(as_user):
    analyst = as_user("analyst")
    empty = analyst.post("/unggah", data={"jenis": "rumah_tangga"},
                         files={"berkas": ("", b"", "text/csv")})
    assert empty.status_code == 422 and 'id="g-berkas"' in empty.text
    program = stage(analyst, "p.csv", b"kode_program,nama\nX,Y\n", jenis="program")
    assert 'id="g-jenis"' in program.text  # programs are for admins
    rules = stage(analyst, "r.csv", b"a\n1\n", kolom="NIK_KRT")
    start = rules.text.index('id="g-kolom"')
    assert "KOLOM_SUMBER=kolom_kami" in rules.text[start:start + 200]
    pdf = analyst.post("/unggah", data={"jenis": "rumah_tangga"},
                       files={"berkas": ("x.csv", b"%PDF-1.4", "text/csv")})
    assert "bukan CSV atau XLSX" in pdf.text


def test_roles_and_strangers(as_user):
    assert as_user("viewer").get("/unggah").status_code == 403
    analyst = as_user("analyst", "pemilik")
    staged = stage(analyst, "rt.csv", csv_bytes([row(1)]))
    assert as_user("analyst", "orang-lain").get(staged.headers["location"]).status_code == 404
    cancelled = analyst.post(staged.headers["location"], data={"aksi": "batal"},
                             follow_redirects=False)
    assert cancelled.status_code == 303
    assert analyst.get(staged.headers["location"]).status_code == 404


def test_an_admin_uploads_programs_new_and_updated_with_a_bad_row(as_user, scratch):
    admin = as_user("admin", "admin-program")
    assert 'value="program"' in admin.get("/unggah").text
    content = (b"kode_program,nama,instansi,nama_instansi,tahun,anggaran\n"
               b"PKH,Program Keluarga Harapan,DINSOS,Dinas Sosial,2027,1500000000\n"
               b"BLT,Bantuan Langsung Tunai,DINKES,Dinas Kesehatan,2027,\n"
               # No agency: refused (a bad *optional* value, as a year 1990, is only a warning).
               b"RUSAK,Program Lama,,Dinas Sosial,2027,\n")
    staged = stage(admin, "program.csv", content, jenis="program")
    assert staged.status_code == 303, staged.text
    job_url = staged.headers["location"]
    admin.post(job_url, data={"aksi": "muat", **selects(admin.get(job_url).text)})
    result = admin.get(finish(admin, job_url)).text
    for label, value in (("total", 3), ("diterima", 2), ("ditolak", 1)):
        assert f'data-angka="{label}">{value}<' in result, label
    assert "<dt>Baru</dt><dd>1<" in result and "<dt>Diperbarui</dt><dd>1<" in result
    table = result[result.index('id="tabel-ditolak"'):]
    assert re.findall(r'<tr><td class="n">(\d+)</td><td>([^<]+)</td>', table) == [("4", "instansi")]
    with scratch.connect() as conn:
        programs = conn.execute(text("SELECT kode_program, instansi, tahun FROM program "
                                     "ORDER BY kode_program")).all()
        agencies = conn.execute(text("SELECT kode, nama FROM agency ORDER BY kode")).all()
    assert [tuple(p) for p in programs] == [("BLT", "DINKES", 2027), ("PKH", "DINSOS", 2027),
                                            ("ZAKAT", "BAZNAS", None)]
    assert ("DINKES", "Dinas Kesehatan") in [tuple(a) for a in agencies]


BDT_HEADER = ["IDBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NoKK", "NIK", "Nama", "JumlahART",
              "Desil", "TglVerifikasi"]  # DTKS/BDT, without Alamat: 10/11 of its headers


BAD_DATE = "'31/02/2026' bukan tanggal (contoh: 15/01/2026 atau 2026-01-15)"


def bdt_rows() -> list[list[str]]:
    """Six DTKS/BDT households of Gunung Telihan (64.74.03.1002, parts as numeric cells: the
    kecamatan lost its zero); row 4 (the third) has a date that does not exist, row 6 a desa
    code Bontang does not have."""
    rows = [[f"BDT{i:03d}", "64", "74", "3", "1002", f"6474030101{i:06d}",
             f"647403150580{i:04d}", f"KEPALA {i}", "4", "9", "15/01/2026"] for i in range(1, 7)]
    rows[2][10] = "31/02/2026"
    rows[4][4] = "1999"
    return rows


def bdt_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(BDT_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_a_bdt_file_is_detected_and_loads_with_the_profile_the_user_picks(as_user, scratch):
    from app.services.io import profiles

    with scratch.begin() as conn:  # a saved layout: the DTKS one, but not yet verified
        conn.execute(text("DELETE FROM column_profile"))
        dtks = profiles.get_profile(conn, "rumah_tangga", "dtks").definition()
        profiles.save_profile(conn, {**dtks, "nama": "bdt-belum", "label": "BDT belum diverifikasi",
                                     "konstanta": {"status_verifikasi": "belum"}}, "admin")
    analyst = as_user("analyst", "analis-bdt")
    rows = bdt_rows()
    staged = stage(analyst, "bdt.csv", bdt_bytes(rows))
    assert staged.status_code == 303, staged.text
    job_url = staged.headers["location"]
    preview = analyst.get(job_url).text
    assert "Terdeteksi: <strong>DTKS/BDT (rumah tangga)</strong>" in preview
    assert f"(keyakinan {round(10 / 11 * 100)} %)" in preview  # 91 %
    assert '<option value="dtks" selected>' in preview
    assert "kode_kelurahan (KDPROP+KDKAB+KDKEC+KDDESA)" in preview
    assert "<td>64.74.03.1002</td>" in preview and "<td>terverifikasi</td>" in preview
    parts = [f"kolom_{BDT_HEADER.index(h)}" for h in ("KDPROP", "KDKAB", "KDKEC", "KDDESA")]
    blanks = blank_labels(preview)
    assert {name: blanks[name] for name in parts} == dict.fromkeys(
        parts, "(dipakai untuk kode_kelurahan)")
    assert blanks[f"kolom_{BDT_HEADER.index('TglVerifikasi')}"] == "(abaikan)"
    # Another layout redraws the preview; nothing is loaded yet.
    switched = analyst.post(job_url, data={"profil": "bdt-belum", "aksi": "profil",
                                           **selects(preview)})
    assert switched.status_code == 200, switched.text
    assert '<option value="bdt-belum" selected>' in switched.text
    assert "<td>belum</td>" in switched.text and "<td>terverifikasi</td>" not in switched.text
    unknown = analyst.post(job_url, data={"profil": "tidak-ada", "aksi": "profil"})
    assert unknown.status_code == 422
    assert "Profil kolom 'tidak-ada'" in html.unescape(unknown.text)
    with scratch.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM import_batch")).scalar_one() == 0
    loading = analyst.post(job_url, data={"profil": "bdt-belum", "aksi": "muat",
                                          **selects(switched.text)}, follow_redirects=False)
    assert loading.status_code == 303, loading.text
    result_url = finish(analyst, job_url)
    result = analyst.get(result_url).text
    accepted = [r[0] for r in rows if r[4] == "1002"]
    assert f'data-angka="diterima">{len(accepted)}<' in result
    assert 'data-angka="ditolak">1<' in result and 'data-angka="peringatan">1<' in result
    warnings = html.unescape(result[result.index('id="tabel-peringatan"'):])
    assert re.findall(r'<tr><td class="n">(\d+)</td><td>([^<]+)</td><td>([^<]+)</td>',
                      warnings) == [("4", "tanggal_verifikasi", BAD_DATE)]
    assert "Peringatan (1)" in result
    report = analyst.get(result_url + "/peringatan.csv")
    assert report.status_code == 200 and "peringatan-batch-" in report.headers[
        "content-disposition"]
    assert list(csv.reader(report.content.decode("utf-8-sig").splitlines())) == [
        ["nomor_baris", "kolom", "alasan"],
        ["4", "tanggal_verifikasi", BAD_DATE]]
    with scratch.connect() as conn:
        stored = dict(conn.execute(text(
            "SELECT id_keluarga, status_verifikasi FROM household")).all())
        params = conn.execute(text("SELECT parameter FROM import_batch")).scalar_one()
    assert stored == dict.fromkeys(accepted, "belum")  # the picked profile's constant
    assert params["profil"] == "bdt-belum"
    assert as_user("viewer", "pimpinan").get(result_url + "/peringatan.csv").status_code == 403


BNBA_HEADER = ["NO", "NIK", "NO KK", "NAMA KEPALA KELUARGA", "JENIS KELAMIN",
               "TANGGAL LAHIR (DD/MM/YYYY)", "JUMLAH ANGGOTA KELUARGA", "ALAMAT", "RT", "RW"]


def test_an_agency_gives_the_start_date_its_bnba_list_lacks(as_user, scratch):
    admin = as_user("admin")
    loaded = stage(admin, "rt.csv", csv_bytes([row(i) for i in range(1, 4)]))
    admin.post(loaded.headers["location"], data={"aksi": "muat",
                                                 **selects(admin.get(loaded.headers["location"]).text)})
    assert finish(admin, loaded.headers["location"])
    officer = as_user("agency", "petugas-bnba", agency="DINSOS")
    people = [row(i)["nik_kepala"] for i in (1, 2)] + ["6474031505809999"]
    lines = [",".join(BNBA_HEADER)] + [f"{n},{p},,KEPALA {n},P,15/05/1980,4,Jl. Uji,001,002"
                                       for n, p in enumerate(people, start=1)]
    staged = stage(officer, "bnba.csv", "\n".join(lines).encode(), jenis="kepesertaan",
                   program="PKH")
    job_url = staged.headers["location"]
    preview = officer.get(job_url).text
    assert 'name="tetap_tanggal_mulai" value=""' in preview
    assert 'name="tetap_nik"' not in preview  # a column that tells rows apart gets no field
    bad = officer.post(job_url, data={"aksi": "muat", "tetap_tanggal_mulai": " 2026-02-30 ",
                                      **selects(preview)})
    assert bad.status_code == 422
    start = bad.text.index('id="g-tetap-tanggal_mulai"')
    assert ("tanggal_mulai: &#39;2026-02-30&#39; bukan tanggal (contoh: 15/01/2026 atau "
            "2026-01-15)") in bad.text[start:start + 200]
    assert 'name="tetap_tanggal_mulai" value="2026-02-30"' in bad.text
    assert "tanggal_mulai (tetap)" not in bad.text
    # Another profile starts again from that profile: the value typed for this one goes.
    shown = officer.post(job_url, data={"aksi": "pratinjau", "tetap_tanggal_mulai": "01/03/2026",
                                        **selects(preview)})
    assert shown.status_code == 200 and shown.text.count("<td>01/03/2026</td>") == len(people)
    assert "tanggal_mulai (tetap)" in shown.text and 'id="g-wajib"' not in shown.text
    own = officer.post(job_url, data={"aksi": "profil", "profil": "sasaran",
                                      "tetap_tanggal_mulai": "01/03/2026"})
    assert 'name="tetap_tanggal_mulai" value=""' in own.text and 'id="g-wajib"' in own.text
    back = officer.post(job_url, data={"aksi": "profil", "profil": "bnba"})
    loading = officer.post(job_url, data={"aksi": "muat", "tetap_tanggal_mulai": "01/03/2026",
                                          **selects(back.text)}, follow_redirects=False)
    assert loading.status_code == 303, loading.text
    result = officer.get(finish(officer, job_url)).text
    assert "Cocok dengan rumah tangga</dt><dd>2<" in result
    assert "Tidak cocok (disimpan, perlu diperbaiki)</dt><dd>1<" in result
    with scratch.connect() as conn:
        starts = conn.execute(text("SELECT tanggal_mulai::text, count(*) FROM enrollment "
                                   "GROUP BY 1")).all()
        params = conn.execute(text("SELECT parameter FROM import_batch "
                                   "WHERE jenis = 'kepesertaan'")).scalar_one()
    assert [tuple(r) for r in starts] == [("2026-03-01", len(people))]
    assert (params["profil"], params["definisi_profil"]["konstanta"]) == (
        "bnba", {"tanggal_mulai": "01/03/2026"})


def test_another_sheet_of_a_workbook_is_detected_again(as_user, scratch):
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Catatan"
    notes.append(["keterangan"])
    notes.append(["Ekspor DTKS Bontang Barat, lembar kedua"])
    data = book.create_sheet("BDT")
    data.append(BDT_HEADER)
    rows = bdt_rows()
    for cells in rows:
        data.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    analyst = as_user("analyst", "analis-lembar")
    staged = analyst.post("/unggah", data={"jenis": "rumah_tangga"}, files={
        "berkas": ("dtks.xlsx", buffer.getvalue(), "application/octet-stream")},
        follow_redirects=False)
    job_url = staged.headers["location"]
    first = analyst.get(job_url).text
    assert "Terdeteksi: <strong>Format Sasaran</strong>" in first
    assert '<option value="sasaran" selected>' in first
    assert '<option value="Catatan" selected>' in first
    second = analyst.post(job_url, data={"lembar": "BDT", "aksi": "pratinjau",
                                         **selects(first)})
    assert second.status_code == 200, second.text
    assert '<option value="BDT" selected>' in second.text
    assert "Terdeteksi: <strong>DTKS/BDT (rumah tangga)</strong>" in second.text
    assert f"(keyakinan {round(10 / 11 * 100)} %)" in second.text
    assert '<option value="dtks" selected>' in second.text
    assert second.text.count("<td>64.74.03.1002</td>") == len(rows) - 1  # row 6: desa 1999
    loading = analyst.post(job_url, data={"lembar": "BDT", "aksi": "muat",
                                          **selects(second.text)}, follow_redirects=False)
    assert loading.status_code == 303, loading.text
    result = analyst.get(finish(analyst, job_url)).text
    assert f'data-angka="diterima">{len(rows) - 1}<' in result
    assert 'data-angka="ditolak">1<' in result
    with scratch.connect() as conn:
        params = conn.execute(text("SELECT parameter FROM import_batch "
                                   "WHERE jenis = 'rumah_tangga'")).scalar_one()
    assert (params["profil"], params["lembar"]) == ("dtks", "BDT")
