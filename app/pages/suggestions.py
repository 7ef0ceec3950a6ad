"""Saran kecocokan: the probable registry households for enrollment rows that matched nobody,
for the agency officer (own programs) and admins/analysts (names only for them) to confirm or
reject one by one. The rules, the area scope and the audit are the service's
(``app.services.coverage.suggestions_for`` / ``decide_for``, the same as the API's); a decision
is a plain form post answered by a redirect back to the list with a message."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.deps import ConnDep
from app.pages.access import guard
from app.pages.flash import set_flash
from app.pages.nav import Page, register
from app.pages.render import render
from app.principal import Principal
from app.services.coverage import decide_for, suggestions_for
from app.services.uploads import enrollment_programs
from app.services.wilayah import area_names
from geo.errors import SasaranError

router = APIRouter(include_in_schema=False)
PAGE = register(Page("saran", "/saran", "Saran kecocokan",
                     frozenset({"admin", "analyst", "agency"}), order=55))
STATUS_LABELS = {"baru": "Belum diputuskan", "dikonfirmasi": "Dikonfirmasi",
                 "ditolak": "Ditolak", "diganti": "Tidak dipilih (saran lain dikonfirmasi)"}
KEY_LABELS = {"nik": "NIK", "no_kk": "No. KK", "id_keluarga": "ID keluarga"}


def _filters(program: str | None, batch: str | None, status: str | None,
             programs: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The list's filters; an unknown value gets a message and falls back to 'all'."""
    errors: dict[str, str] = {}
    chosen: dict[str, Any] = {"program": None, "batch": None, "status": "baru"}
    if program:
        if program in {p["kode_program"] for p in programs}:
            chosen["program"] = program
        else:
            errors["program"] = "Program tidak dikenal atau bukan program instansi Anda."
    if batch:
        if batch.isdigit() and len(batch) < 10:
            chosen["batch"] = int(batch)
        else:
            errors["batch"] = "Nomor batch harus bilangan bulat."
    if status:
        if status in STATUS_LABELS:
            chosen["status"] = status
        else:
            errors["status"] = "Status tidak dikenal."
    return chosen, errors


def _query(chosen: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in chosen.items() if v not in (None, "")})


@router.get("/saran", response_class=HTMLResponse)
def suggestions_page(request: Request, conn: ConnDep, principal: Principal = guard(PAGE),
                     program: str | None = None, batch: str | None = None,
                     status: str | None = None) -> HTMLResponse:
    programs = enrollment_programs(conn, principal)
    chosen, errors = _filters(program, batch, status, programs)
    rows = suggestions_for(conn, principal, program=chosen["program"],
                           batch_id=chosen["batch"], status=chosen["status"])
    codes = sorted({s["kode_kelurahan"] for r in rows for s in r["saran"]})
    return render(request, "saran.html", principal, rows=rows, programs=programs,
                  chosen=chosen, errors=errors, query=_query(chosen),
                  kelurahan=area_names(conn, codes), statuses=STATUS_LABELS,
                  key_labels=KEY_LABELS, persons=principal.can_see_persons)


@router.post("/saran/{suggestion_id}/konfirmasi", response_class=RedirectResponse)
def confirm_page(request: Request, suggestion_id: int, conn: ConnDep,
                 principal: Principal = guard(PAGE), kembali: str = Form("")
                 ) -> RedirectResponse:
    return _decide(request, conn, principal, suggestion_id, True, kembali)


@router.post("/saran/{suggestion_id}/tolak", response_class=RedirectResponse)
def reject_page(request: Request, suggestion_id: int, conn: ConnDep,
                principal: Principal = guard(PAGE), kembali: str = Form("")
                ) -> RedirectResponse:
    return _decide(request, conn, principal, suggestion_id, False, kembali)


def _decide(request: Request, conn: ConnDep, principal: Principal, suggestion_id: int,
            confirm: bool, back: str) -> RedirectResponse:
    # Back to the same list: only our own query string is accepted, never another address.
    target = "/saran" + (f"?{back}" if back and "/" not in back and ":" not in back else "")
    response = RedirectResponse(target, status_code=303)
    try:
        with conn.begin_nested():
            result = decide_for(conn, principal, suggestion_id, confirm)
    except SasaranError as exc:
        set_flash(request, response, exc.message, "galat")
        return response
    row = result["nomor_baris"]
    if confirm:
        message = (f"Saran dikonfirmasi: baris {row} kini tercatat sebagai peserta rumah "
                   "tangga itu; saran lain untuk baris itu ditutup.")
    else:
        message = (f"Saran ditolak: rumah tangga itu tidak akan disarankan lagi untuk baris "
                   f"{row}.")
    set_flash(request, response, message, "ok")
    return response
