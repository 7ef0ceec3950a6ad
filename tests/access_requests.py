"""How to make a valid request to each route, for the access matrix: path parameters, query,
JSON body, form fields or files, built from the test world."""

from __future__ import annotations

from typing import Any

from access_world import World, bontang_rows
from household_rows import write_csv
from rollout_rows import plan_body


def nothing(world: World, tmp: Any) -> dict[str, Any]:
    return {}


def an_area(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"kode": bontang_rows()[0]["kode_kelurahan"]}}


def one_household(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"id_keluarga": world.in_area("64.74")[0]}}


def first_batch(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"batch": world.batches[0]}}


def login_form(world: World, tmp: Any) -> dict[str, Any]:
    return {"data": {"username": "siapa", "password": "apa-saja-panjang"}}


def household_upload(world: World, tmp: Any) -> dict[str, Any]:
    path = write_csv(tmp / "unggah.csv", bontang_rows()[:2])
    return {"files": {"file": ("unggah.csv", path.read_bytes(), "text/csv")}}


def household_tile(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"layer": "households", "z": 12, "x": 3377, "y": 2036}}


def area_tile(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"z": 12, "x": 3377, "y": 2036}}


def static_asset(world: World, tmp: Any) -> dict[str, Any]:
    return {"url": "/static/css/sasaran-map.css"}


def a_plan(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"plan_id": world.plans[0]}}


def new_plan(world: World, tmp: Any) -> dict[str, Any]:
    return {"json": plan_body("Rencana uji matriks")}


def changed_plan(world: World, tmp: Any) -> dict[str, Any]:
    return a_plan(world, tmp) | new_plan(world, tmp)


def pilot(world: World, tmp: Any) -> dict[str, Any]:
    return {"json": {"wilayah_induk": "64.74", "jumlah_wilayah_maks": 2}}


def agency_body(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"kode": "UJI"}, "json": {"nama": "Instansi Uji"}}


def empty_agency(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"kode": "KOSONG"}}


def new_account(world: World, tmp: Any) -> dict[str, Any]:
    """The accounts page's form (the principal is overridden, so no CSRF field is needed)."""
    password = "kata-sandi-baru-123"
    return {"data": {"aksi": "tambah", "nama_pengguna": "akun-baru", "peran": "viewer",
                     "kata_sandi": password, "ulangi_kata_sandi": password}}


def table_download(world: World, tmp: Any) -> dict[str, Any]:
    return {"params": {"format": "csv", "level": "kecamatan", "kecamatan": "64.74"}}


def a_program(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"kode": "ZAKAT"}}


def program_body(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"kode": "UJI1"}, "json": {"nama": "Program Uji", "instansi": "DINSOS"}}


def program_file(world: World, tmp: Any) -> dict[str, Any]:
    content = b"kode_program,nama,instansi\nUJI2,Program Uji Dua,DINSOS\n"
    return {"files": {"file": ("program.csv", content, "text/csv")}}


def enrollment_file(world: World, tmp: Any) -> dict[str, Any]:
    first = world.in_area("64.74")[0]
    content = f"id_keluarga,tanggal_mulai\n{first},2025-01-01\n".encode()
    return {"files": {"file": ("peserta.csv", content, "text/csv")}, "data": {"program": "PKH"}}


def check_body(world: World, tmp: Any) -> dict[str, Any]:
    return {"json": {"nik": [bontang_rows()[0]["nik_kepala"], "6474031505809999"]}}


def poverty_line(world: World, tmp: Any) -> dict[str, Any]:
    return {"params": {"line": 441448}}


def pkh_enrollment_batch(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"batch": world.enrollment_batches[0]}}


# ---- the pages of issue 14 part 2 (Cek penerima, Unggah data, Perencanaan) ----------------

def pasted_numbers(world: World, tmp: Any) -> dict[str, Any]:
    return {"data": {"nomor": f"{bontang_rows()[0]['nik_kepala']}\n6474031505809999"}}


def staged_households(world: World, tmp: Any) -> dict[str, Any]:
    path = write_csv(tmp / "halaman.csv", bontang_rows()[:2])
    return {"data": {"jenis": "rumah_tangga"},
            "files": {"berkas": ("halaman.csv", path.read_bytes(), "text/csv")}}


def no_such_job(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"job_id": "tidak-ada"}}


def no_such_result(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"token": "tidak-ada", "fmt": "csv"}}


def first_batch_page(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"batch_id": world.batches[0]}}


def first_batch_report(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"batch_id": world.batches[0], "fmt": "csv"}}


def pilot_page(world: World, tmp: Any) -> dict[str, Any]:
    return {"params": {"kecamatan": "64.74", "jumlah_wilayah": "2"}}


def plan_page(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"plan_id": world.plans[0]}}


def plan_form(world: World, tmp: Any) -> dict[str, Any]:
    body = plan_body("Rencana uji halaman")
    data: dict[str, Any] = {"aksi": "simpan", "nama": body["nama"], "wilayah_induk": "64.74",
                            "tanggal_acuan": body["tanggal_acuan"], "desil_maks": "4",
                            "jumlah_gelombang": str(len(body["gelombang"]))}
    for i, wave in enumerate(body["gelombang"], start=1):
        data |= {f"g{i}_tahun": str(wave["tahun"]), f"g{i}_biaya": "2500000",
                 f"g{i}_porsi": "100", f"g{i}_wilayah": wave["wilayah"]}
    return {"data": data}


def changed_plan_form(world: World, tmp: Any) -> dict[str, Any]:
    return plan_page(world, tmp) | plan_form(world, tmp)


def a_suggestion(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"suggestion_id": world.suggestions[0]}}


def a_saved_profile(world: World, tmp: Any) -> dict[str, Any]:
    return {"path": {"nama": "instansi-uji"}}


def profile_body(world: World, tmp: Any) -> dict[str, Any]:
    return {"json": {"nama": "bnba-dinsos", "jenis": "kepesertaan",
                     "ganti_nama": {"NO INDUK KEPENDUDUKAN": "nik"}}}


def enrollment_preview(world: World, tmp: Any) -> dict[str, Any]:
    return enrollment_file(world, tmp) | {"data": {"jenis": "kepesertaan"}}


def crosswalk_file(world: World, tmp: Any) -> dict[str, Any]:
    content = b"kode_bps,kode_kemendagri\n6474030002,64.74.03.1002\n"
    return {"files": {"file": ("padanan.csv", content, "text/csv")}}
