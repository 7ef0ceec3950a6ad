"""Pengguna dan audit (admin): add and disable accounts with their role, area and agency,
create and revoke API keys (a new key is shown once, in the answer to its own form), read the
audit log and download it. The same service functions and audit actions as ``sasaran user``,
``sasaran apikey`` and ``sasaran audit``."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import clock
from app.deps import ConnDep
from app.pages.access import guard
from app.pages.flash import set_flash
from app.pages.nav import ROLE_LABELS, Page, register
from app.pages.render import render
from app.principal import ROLES, Principal
from app.services.access import audit, users
from app.services.coverage import programs
from geo.errors import Conflict, InvalidInput, NotFound

router = APIRouter(include_in_schema=False)
PAGE = register(Page("pengguna", "/pengguna", "Pengguna dan audit", frozenset({"admin"}),
                     order=90))
AUDIT_PAGE_ROWS = 200


def _page(request: Request, conn: Any, principal: Principal, *, status: int = 200,
          form: dict[str, str] | None = None, errors: dict[str, str] | None = None,
          new_key: str | None = None) -> HTMLResponse:
    return render(request, "pengguna.html", principal, status=status,
                  accounts=users.list_users(conn), keys=users.list_api_keys(conn),
                  agencies=programs.list_agencies(conn), roles=ROLES, role_labels=ROLE_LABELS,
                  form=form or {}, errors=errors or {}, new_key=new_key)


@router.get("/pengguna", response_class=HTMLResponse)
def accounts_page(request: Request, conn: ConnDep,
                  principal: Principal = guard(PAGE)) -> HTMLResponse:
    return _page(request, conn, principal)


def _done(request: Request, message: str) -> RedirectResponse:
    response = RedirectResponse("/pengguna", status_code=303)
    set_flash(request, response, message)
    return response


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields, trimmed (read once; the route itself runs in a thread)."""
    return {k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str)}


@router.post("/pengguna", response_class=HTMLResponse)
def accounts_action(request: Request, conn: ConnDep,
                    form: dict[str, str] = Depends(form_fields),
                    principal: Principal = guard(PAGE)) -> Response:
    action = form.get("aksi", "")
    try:
        if action == "tambah":
            return _add(request, conn, principal, form)
        if action in ("nonaktifkan", "aktifkan"):
            active = action == "aktifkan"
            users.set_active(conn, form.get("pengguna", ""), active)
            audit.record(conn, principal, "user.enable" if active else "user.disable",
                         form.get("pengguna"))
            return _done(request, f"Pengguna {form.get('pengguna')} "
                         f"{'diaktifkan' if active else 'dinonaktifkan'}.")
        if action == "kunci_baru":
            key = users.create_api_key(conn, form.get("pengguna", ""), form.get("nama") or None)
            audit.record(conn, principal, "apikey.create", form.get("pengguna"),
                         {"awalan": key.split("_")[1]})
            return _page(request, conn, principal, new_key=key)
        if action == "cabut_kunci":
            users.revoke_api_key(conn, form.get("awalan", ""))
            audit.record(conn, principal, "apikey.revoke", form.get("awalan"))
            return _done(request, f"Kunci API {form.get('awalan')} dicabut.")
    except NotFound as exc:
        return _page(request, conn, principal, status=404, errors={"umum": exc.message})
    return _page(request, conn, principal, status=422,
                 errors={"umum": "Tindakan tidak dikenal; muat ulang halaman."})


def _add(request: Request, conn: Any, principal: Principal, form: dict[str, str]) -> Response:
    areas = [a.strip() for a in form.get("wilayah", "").replace(";", ",").split(",") if a.strip()]
    agency = form.get("instansi") or None
    errors: dict[str, str] = {}
    if form.get("kata_sandi", "") != form.get("ulangi_kata_sandi", ""):
        errors["ulangi_kata_sandi"] = "Kedua kata sandi tidak sama."
    known = {a["kode"] for a in programs.list_agencies(conn)}
    if agency and agency not in known:
        errors["instansi"] = "Instansi tidak dikenal."
    if not errors:
        try:
            with conn.begin_nested():
                users.create_user(conn, form.get("nama_pengguna", ""), form.get("peran", ""),
                                  form.get("kata_sandi", ""), areas, agency)
        except (InvalidInput, Conflict) as exc:
            field = (exc.details or {}).get("kolom", "umum") if isinstance(exc.details, dict) \
                else "umum"
            errors[field] = exc.message
    if errors:
        shown = {k: v for k, v in form.items() if "kata_sandi" not in k}
        return _page(request, conn, principal, status=422, form=shown, errors=errors)
    audit.record(conn, principal, "user.add", form["nama_pengguna"],
                 {"peran": form.get("peran"), "wilayah": areas, "instansi": agency})
    return _done(request, f"Pengguna {form['nama_pengguna']} ({form.get('peran')}) dibuat.")


def _audit_filter(request: Request) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    params = request.query_params
    shown = {k: (params.get(k) or "").strip() for k in ("pengguna", "aksi", "sejak")}
    errors: dict[str, str] = {}
    since = None
    if shown["sejak"]:
        try:
            since = clock.day_start(date.fromisoformat(shown["sejak"]))
        except ValueError:
            errors["sejak"] = "Tanggal tidak sah; tulis seperti 2026-11-30."
    query = {"user": shown["pengguna"] or None, "action": shown["aksi"] or None, "since": since}
    return query, shown, errors


@router.get("/pengguna/audit", response_class=HTMLResponse)
def audit_page(request: Request, conn: ConnDep,
               principal: Principal = guard(PAGE)) -> HTMLResponse:
    query, shown, errors = _audit_filter(request)
    rows = audit.entries(conn, limit=AUDIT_PAGE_ROWS, **query)
    return render(request, "audit.html", principal, rows=rows, filters=shown, errors=errors,
                  limit=AUDIT_PAGE_ROWS, download=request.url.query)


@router.get("/pengguna/audit.csv")
def audit_download(request: Request, conn: ConnDep,
                   principal: Principal = guard(PAGE)) -> Response:
    query, _, _ = _audit_filter(request)
    rows = audit.entries(conn, **query)
    buffer = StringIO()
    audit.write_csv(rows, buffer)
    audit.record(conn, principal, "audit.export", None,
                 {k: v for k, v in query.items() if v is not None}, len(rows))
    return Response(buffer.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
