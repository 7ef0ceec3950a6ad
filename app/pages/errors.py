"""HTML error pages for people: a browser (or a page route) gets a page in the layout with an
Indonesian message, never a JSON body or a stack trace. Machine paths keep the JSON body."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.pages.render import render
from app.security import MACHINE_PREFIXES

TITLES = {
    400: "Permintaan tidak dapat diproses",
    403: "Tidak berhak",
    404: "Halaman tidak ditemukan",
    405: "Cara akses tidak didukung",
    409: "Bertentangan dengan data yang ada",
    413: "Berkas terlalu besar",
    422: "Masukan tidak sah",
    429: "Terlalu banyak permintaan",
    500: "Terjadi kesalahan",
    503: "Layanan sementara tidak tersedia",
}


def wants_html(request: Request) -> bool:
    """A page (a route of ``app.pages`` or one behind a page guard), or any non-machine path
    asked for by a browser (``Accept: text/html``) or by a page's htmx request."""
    path = request.url.path
    if path.startswith((*MACHINE_PREFIXES, "/static/")):
        return False
    endpoint = request.scope.get("endpoint")
    if getattr(endpoint, "__module__", "").startswith("app.pages") or hasattr(
            request.state, "principal"):
        return True
    return "text/html" in request.headers.get("accept", "") or bool(
        request.headers.get("hx-request"))  # a page's partial request (htmx)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    return render(request, "error.html", principal, status=status,
                  title=TITLES.get(status, "Terjadi kesalahan"), message=message,
                  status_code=status)
