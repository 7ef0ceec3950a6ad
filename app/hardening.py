"""HTTP hardening, installed by ``create_app``: security headers with a strict
Content-Security-Policy, ``Cache-Control: no-store`` and (production mode) HSTS, request size
limits, the rate limit on the coverage check, CORS (off unless origins are configured) and the
401-or-redirect answer for missing credentials."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import time
from urllib.parse import quote, unquote_plus, urlsplit

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_body
from app.failures import failure
from app.security import MACHINE_PREFIXES
from app.settings import Settings
from geo.errors import NotAuthenticated, PayloadTooLarge

log = logging.getLogger("sasaran.hardening")
# The agency check, from the API and from the Cek penerima page alike.
RATE_LIMITED = frozenset({("POST", "/api/v1/coverage/check"), ("POST", "/cek")})
# FastAPI's own /docs pages load Swagger UI / ReDoc from this CDN (not needed offline).
DOCS_CDN = "https://cdn.jsdelivr.net"
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.S | re.I)
_INLINE_STYLE = re.compile(rb"<style[^>]*>(.*?)</style>", re.S | re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STYLE_ATTR = re.compile(rb"\sstyle=\"([^\"]*)\"", re.I)
BASE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
]


def _hashes(pattern: re.Pattern[bytes], body: bytes) -> list[str]:
    digests = {base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()
               for m in pattern.finditer(body)}
    return [f"'sha256-{d}'" for d in sorted(digests)]


def _tile_source(tile_url: str) -> str:
    parts = urlsplit(tile_url.replace("{s}", "a"))
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tile_url else parts.netloc
    return f" {parts.scheme}://{host}"


def content_security_policy(body: bytes, tile_url: str | list[str | None] | None,
                            docs: bool = False) -> str:
    """A strict policy for one HTML page: local assets only (images also from the configured
    basemap hosts); inline scripts and styles are allowed by their exact SHA-256 hash (Folium
    writes inline ones), never 'unsafe-inline'."""
    urls = tile_url if isinstance(tile_url, list) else [tile_url]
    tiles = "".join(dict.fromkeys(_tile_source(u) for u in urls if u))
    cdn = f" {DOCS_CDN}" if docs else ""
    scripts = " ".join(_hashes(_INLINE_SCRIPT, body))
    styles = " ".join(_hashes(_INLINE_STYLE, body) + _hashes(_STYLE_ATTR, body))
    unsafe_hashes = " 'unsafe-hashes'" if _STYLE_ATTR.search(body) else ""
    return (
        "default-src 'self'; "
        f"script-src 'self'{cdn} {scripts}; ".replace(" ;", ";")
        + f"style-src 'self'{cdn}{unsafe_hashes} {styles}; ".replace(" ;", ";")
        + f"img-src 'self' data:{tiles}{' https://fastapi.tiangolo.com' if docs else ''}; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


# A year, without includeSubDomains: other hosts of a pemda's domain may not have HTTPS yet.
HSTS = (b"strict-transport-security", b"max-age=31536000")
# Files of the pages' code, the same for everyone: the only answers a cache may keep.
STATIC_PREFIX = "/static/"


def _cache_headers(path: str, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``Cache-Control: no-store`` on every answer that did not choose its own caching and is
    not a static asset: pages, JSON, exports and point tiles may all hold person data, and a
    shared or back-button cache must not keep them. (Aggregate tiles choose a private,
    short cache themselves.)"""
    if path.startswith(STATIC_PREFIX) or any(k.lower() == b"cache-control" for k, _ in headers):
        return []
    return [(b"cache-control", b"no-store")]


class SecurityHeaders:
    """Adds the security headers to every response; HTML gets a CSP computed from its body.
    ``hsts``: production mode, where the service is served over HTTPS."""

    def __init__(self, app: ASGIApp, tile_url: list[str | None], hsts: bool = False) -> None:
        self.app, self.tile_url = app, tile_url
        self.base = BASE_HEADERS + ([HSTS] if hsts else [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in ("/docs", "/redoc")
        held: dict[str, Message] = {}
        chunks: list[bytes] = []

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                message["headers"] = (headers + self.base
                                      + _cache_headers(scope["path"], headers))
                content_type = dict(message["headers"]).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    held["start"] = message
                    return
                message["headers"].append((b"content-security-policy",
                                           b"default-src 'none'; frame-ancestors 'none'"))
                await send(message)
            elif "start" in held and message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                csp = content_security_policy(body, self.tile_url, docs)
                held["start"]["headers"].append((b"content-security-policy", csp.encode()))
                await send(held.pop("start"))
                await send({"type": "http.response.body", "body": body})
            else:
                await send(message)

        await self.app(scope, receive, wrapped)


class UploadLimit:
    """413 before reading a body larger than ``max_upload_mb`` (declared or actually sent)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(self.max_bytes)(scope, receive, send)
            return
        seen, exceeded, started = 0, False, False

        async def counted() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                exceeded = True
                raise PayloadTooLarge(_too_large_text(self.max_bytes))
            return message

        async def answered(message: Message) -> None:
            # A body sent without a length (chunked) passes the limit while a form parser
            # reads it; whatever that parser makes of the error, the answer is 413.
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _too_large(self.max_bytes)(scope, receive, send)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, answered)
        except Exception:
            if not exceeded or started:
                raise
            await _too_large(self.max_bytes)(scope, receive, send)


def _too_large_text(max_bytes: int) -> str:
    return f"Unggahan melebihi batas {max_bytes // (1 << 20)} MB (SASARAN_MAX_UPLOAD_MB)."


def _too_large(max_bytes: int) -> Response:
    return JSONResponse(error_body("payload_too_large", _too_large_text(max_bytes)), 413)


_LIMITED_PAGE = ('<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Terlalu '
                 'banyak permintaan · Sasaran</title></head><body><main><h1>Terlalu banyak '
                 'permintaan</h1><p>{message}</p><p><a href="/">Kembali ke halaman awal'
                 '</a></p></main></body></html>')


class RateLimit:
    """An in-memory token bucket per credential (API key, session, else client address) on
    the rate-limited paths: ``per_minute`` requests, refilled continuously."""

    def __init__(self, app: ASGIApp, per_minute: int) -> None:
        self.app, self.per_minute = app, max(per_minute, 1)
        self.buckets: dict[str, tuple[float, float]] = {}

    def _key(self, scope: Scope) -> str:
        headers = dict(scope["headers"])
        credential = headers.get(b"authorization") or headers.get(b"cookie")
        if credential:
            return hashlib.sha256(credential).hexdigest()
        client = scope.get("client")
        return f"ip:{client[0] if client else '-'}"

    def take(self, key: str, now: float) -> bool:
        if len(self.buckets) > 10_000:  # keep memory bounded: drop buckets that are refilled
            self.buckets = {k: (t, last) for k, (t, last) in self.buckets.items()
                            if now - last < 60}
        tokens, last = self.buckets.get(key, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - last) * self.per_minute / 60)
        allowed = tokens >= 1
        self.buckets[key] = (tokens - 1 if allowed else tokens, now)
        return allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limited = scope["type"] == "http" and (scope["method"], scope["path"]) in RATE_LIMITED
        if limited and not self.take(self._key(scope), time.monotonic()):
            seconds = max(1, round(60 / self.per_minute))
            message = f"Terlalu banyak permintaan pemeriksaan; coba lagi dalam {seconds} detik."
            headers = {"Retry-After": str(seconds)}
            if scope["path"].startswith(MACHINE_PREFIXES):
                answer: Response = JSONResponse(error_body("rate_limited", message), 429,
                                                headers=headers)
            else:  # a page's form: a page, not a JSON body
                answer = HTMLResponse(_LIMITED_PAGE.format(message=message), 429,
                                      headers=headers)
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _unauthenticated(request: Request, exc: NotAuthenticated) -> Response:
    """Pages go to the login form, which brings the user back to the page asked for (a page's
    form posts to its own path, so after a POST whose session expired that is the page)."""
    path = request.url.path
    if request.method in ("GET", "POST") and not path.startswith(MACHINE_PREFIXES):
        target = path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("hx-request"):
            # An htmx partial would follow a redirect and swap the login form into a piece of
            # the page: send the whole window to the login form, back to the page it shows.
            shown = urlsplit(request.headers.get("hx-current-url", ""))
            target = (shown.path or "/") + (f"?{shown.query}" if shown.query else "")
            return Response(status_code=204,
                            headers={"HX-Redirect": f"/login?next={quote(target, safe='')}"})
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return JSONResponse(failure(exc).body(), 401, headers={"WWW-Authenticate": "Bearer"})


def _bad_value(request: Request, exc: DataError) -> Response:
    # A value PostgreSQL cannot take (NUL byte, out-of-range number) is the client's input.
    answer = failure(exc)
    return JSONResponse(answer.body(), answer.status)


class RefuseControlCharacters:
    """422 for a control character (NUL, ESC, ...; not tab or newline) in the path or query
    string: never legitimate in a parameter, refused by PostgreSQL text (NUL) and by XLSX
    exports, and a classic log-injection vector."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = unquote_plus(scope.get("query_string", b"").decode("latin-1"))
            if _CONTROL.search(scope["path"]) or _CONTROL.search(query):
                body = error_body("invalid_input", "Parameter berisi karakter kendali "
                                  "(mis. NUL) yang tidak diizinkan.")
                await JSONResponse(body, 422)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    """Wire the hardening into ``app`` (middleware order: outermost added last)."""
    app.add_exception_handler(NotAuthenticated, _unauthenticated)  # type: ignore[arg-type]
    app.add_exception_handler(DataError, _bad_value)  # type: ignore[arg-type]
    app.add_middleware(RefuseControlCharacters)
    app.add_middleware(RateLimit, per_minute=settings.check_rate_per_minute)
    app.add_middleware(UploadLimit, max_bytes=settings.max_upload_mb * 1024 * 1024)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "X-CSRF-Token"])
    app.add_middleware(SecurityHeaders, tile_url=[settings.tile_url, settings.tile_light_url],
                       hsts=settings.mode == "production")

