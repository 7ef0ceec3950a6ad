"""Cek penerima: an agency officer pastes NIKs / No. KK or uploads a list, sees who is already
in the registry, a target, and covered by which programs, and downloads the annotated list.

The same service as ``POST /api/v1/coverage/check`` and ``sasaran check`` (``check_pasted``,
``check_file`` with the principal's area), the same audit action and rate limit. The annotated
list holds the officer's own plain NIKs, so it is kept in memory only (``shelf``), for the
download that follows, never on the server's disk.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import QueryParams

from app.deps import ConnDep, SettingsDep
from app.pages.access import guard
from app.pages.forms import read_filter
from app.pages.nav import Page, register
from app.pages.render import render
from app.pages.shelf import shelf_of
from app.principal import Principal
from app.services.access import audit
from app.services.coverage import CheckedList, check_file, check_pasted
from app.uploads import save_upload, upload_name
from geo.errors import SasaranError

router = APIRouter(include_in_schema=False)
PAGE = register(Page("cek", "/cek", "Cek penerima", frozenset({"admin", "analyst", "agency"}),
                     order=40, start_for=frozenset({"agency"})))
SHOWN_ROWS = 500
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/cek", response_class=HTMLResponse)
def check_form(request: Request, conn: ConnDep, settings: SettingsDep,
               principal: Principal = guard(PAGE)) -> HTMLResponse:
    flt = read_filter(QueryParams(), settings.default_desil_max, {})
    return render(request, "cek.html", principal, flt=flt, nomor="", errors={})


@router.post("/cek", response_class=HTMLResponse)
def check_post(
    request: Request, conn: ConnDep, settings: SettingsDep, principal: Principal = guard(PAGE),
    nomor: str = Form("", max_length=400_000), ref_date: str = Form(""),
    desil_max: str = Form(""), berkas: UploadFile | None = File(None),
) -> HTMLResponse:
    flt = read_filter(QueryParams({"ref_date": ref_date, "desil_max": desil_max}),
                      settings.default_desil_max, {})
    errors = dict(flt.errors)
    has_file = berkas is not None and bool(berkas.filename)
    if not has_file and not nomor.strip():
        errors["nomor"] = "Tempel NIK/No. KK (satu per baris) atau pilih berkas daftar."
    checked, name = None, None
    if not errors:
        try:
            checked, name = _check(conn, settings, principal, flt, nomor,
                                   berkas if has_file else None)
        except SasaranError as exc:
            errors["berkas" if has_file else "nomor"] = exc.message
    if checked is None:
        return render(request, "cek.html", principal, flt=flt, nomor=nomor, errors=errors,
                      status=422)
    audit.record(conn, principal, "coverage.check", name,
                 {"berkas": name, "tanggal_acuan": flt.ref_date, "desil_maks": flt.desil_max},
                 len(checked.rows))
    stem = PurePath(name).stem if name else "cek-penerima"
    token = shelf_of(request, "check_results").put(principal.username,
                                                   (f"{stem}-hasil", checked))
    suffix = PurePath(name).suffix.lower() if name else ""
    return render(request, "cek.html", principal, flt=flt, nomor=nomor, errors={},
                  result=_table(checked), counts=checked.counts(), token=token,
                  main_format="xlsx" if suffix in (".xlsx", ".xlsm") else "csv",
                  shown=min(len(checked.rows), SHOWN_ROWS))


@router.get("/cek/hasil/{token}.{fmt}")
def check_download(token: str, fmt: str, request: Request,
                   principal: Principal = guard(PAGE)) -> Response:
    stem, checked = shelf_of(request, "check_results").get(token, principal.username)
    if fmt not in MEDIA:
        fmt = "csv"
    return Response(checked.as_bytes(fmt), media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="{stem}.{fmt}"',
        "Cache-Control": "no-store"})


def _check(conn: ConnDep, settings: SettingsDep, principal: Principal, flt: Any, nomor: str,
           berkas: UploadFile | None) -> tuple[CheckedList, str | None]:
    common: dict[str, Any] = {"ref_date": flt.ref_date, "desil_max": flt.desil_max,
                              "area_prefixes": principal.area_prefixes}
    if berkas is None:
        return check_pasted(conn, settings.hmac_key(), nomor, **common), None
    name = upload_name(berkas)
    with tempfile.TemporaryDirectory(prefix="sasaran-cek-") as folder:
        path = save_upload(berkas, settings, Path(folder))
        return check_file(conn, settings.hmac_key(), path, name=name, **common), name


def _table(checked: CheckedList) -> list[dict[str, Any]]:
    """The rows shown on the page: row number, masked identity and the answers."""
    rows = []
    for number, result in zip(checked.numbers[:SHOWN_ROWS], checked.results, strict=False):
        if result is None:
            rows.append({"baris": number, "identitas": "", "catatan": "NIK/No. KK kosong"})
            continue
        rows.append({
            "baris": number, "identitas": result["identitas"] or "",
            "valid": result["valid"], "ditemukan": result["ditemukan"],
            "sasaran": result["sasaran"],
            "kelurahan": ", ".join(f"{n}" for n in result["nama_kelurahan"])
            or ", ".join(result["kode_kelurahan"]),
            "program": [f"{p['nama']} ({p['nama_instansi']})" for p in result["program_aktif"]],
            "catatan": result["alasan"] or ("cocok dengan beberapa rumah tangga"
                                            if result["jumlah_rumah_tangga"] > 1 else ""),
        })
    return rows
