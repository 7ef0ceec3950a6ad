"""Rendering a page in the base layout: one Jinja2 environment with the id-ID filters, and
``render`` which supplies what ``base.html`` needs (user, role, area in scope, navigation for
the role, CSRF token, flash message)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app import clock
from app.pages.flash import clear_flash, read_flash
from app.pages.nav import ROLE_LABELS, visible
from app.principal import Principal
from geo import text as idtext

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PRODUCT = "Sasaran"

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)


def detail_text(details: dict[str, Any] | None) -> str:
    """An audit entry's details as people read them: ``key=value`` pairs, lists joined with
    commas, the empty ones (None, [], "") left out: ``wilayah=64.74; instansi=DINSOS``, not
    ``wilayah=['64.74']; instansi=None``."""
    parts = []
    for key, value in (details or {}).items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{key}={value}")
    return "; ".join(parts)


def wall_time(value: datetime | None) -> str:
    """A stored instant (timestamptz arrives in the database's zone, UTC) as the deployment's
    wall clock, zone named: ``4 Des 2026 02.16 WITA``."""
    return idtext.datetime_id(clock.local(value) if value is not None else None)


def wall_date(value: date | datetime | str | None) -> str:
    """A date as is; an instant by its date in the deployment's zone (a key revoked at
    01.00 WIB on the 4th reads "4 Des", not the UTC date "3 Des")."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = clock.local(value)
    return idtext.date_id(value)


env.filters.update(angka=idtext.number, persen=idtext.percent, angka_figur=idtext.figure,
                   rupiah=idtext.rupiah, tanggal=wall_date, waktu=wall_time,
                   rincian=detail_text)


def layout_context(request: Request, principal: Principal | None) -> dict[str, Any]:
    """What ``base.html`` reads; a page's own context is added on top."""
    state = request.state
    area = getattr(state, "area_label", None)
    if area is None and principal is not None:
        area = ", ".join(principal.area_prefixes) or "Semua wilayah"
    return {
        "product": PRODUCT,
        "user": principal,
        "role_label": ROLE_LABELS.get(principal.role, principal.role) if principal else "",
        "area_label": area or "",
        "nav": visible(principal) if principal else [],
        "current_path": request.url.path,
        "csrf_token": getattr(state, "csrf_token", ""),
        "flash": read_flash(request),
    }


def render(request: Request, template: str, principal: Principal | None, *,
           status: int = 200, **context: Any) -> HTMLResponse:
    """The page ``template`` (which extends ``base.html``) as an HTML response; a flash message
    is shown once and cleared."""
    html = env.get_template(template).render(**layout_context(request, principal), **context)
    response = HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
    clear_flash(request, response)
    return response
