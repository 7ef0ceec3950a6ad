"""The application factory."""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from app import clock
from app.api import (
    auth,
    enrollments,
    health,
    households,
    imports,
    map_report,
    poverty,
    profiles,
    programs,
    rollout,
    suggestions,
    wilayah,
)
from app.api import coverage as coverage_api
from app.api import map as map_api
from app.compression import GZIP_LEVEL
from app.db.engine import database_url, make_engine
from app.errors import SasaranError, error_body
from app.failures import failure
from app.hardening import install as install_hardening
from app.pages import install as install_pages
from app.pages.errors import error_page, wants_html
from app.redaction import install_log_masking
from app.settings import Settings

log = logging.getLogger("sasaran")
HTTP_MESSAGES = {404: "Halaman yang diminta tidak ada. Periksa alamatnya atau kembali ke beranda.",
                 405: "Alamat ini tidak menerima cara akses tersebut."}
STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings()
    install_log_masking()
    clock.use_timezone(settings.timezone)
    app = FastAPI(
        title="Sasaran",
        description="Dasbor geospasial penargetan kemiskinan: registri rumah tangga terverifikasi, "
        "cakupan program, tumpang tindih, kesenjangan, dan perencanaan wilayah percontohan.",
        version="0.1.0",
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(database_url(settings, start_local=False))
    app.state.transaction = app.state.engine.begin
    _install_error_handlers(app)
    install_hardening(app, settings)
    # Outermost: compresses the map's GeoJSON and figures (a 1.2 MB kelurahan layer becomes
    # ~0.3 MB). Never HTML: a page carrying a CSRF token must not be compressed (BREACH).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=GZIP_LEVEL,
                       exclude_content_types=("text/html", "text/event-stream"))
    # First: a map view asks for dozens of tiles, and Starlette tries the routes in order.
    app.include_router(map_api.router)
    for router in (health.router, auth.router, wilayah.router, households.router, imports.router):
        app.include_router(router)
    app.include_router(suggestions.router)  # before enrollments: its paths are more specific
    for router in (programs.router, enrollments.router, coverage_api.router, poverty.router):
        app.include_router(router)
    app.include_router(profiles.router)
    app.include_router(rollout.router)
    install_pages(app)
    app.include_router(map_report.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _answer(request: Request, status: int, code: str, message: str, details: Any = None,
            headers: Mapping[str, str] | None = None) -> Response:
    """The error for people (an HTML page in the layout) or for machines (the JSON body)."""
    if wants_html(request):
        try:
            return error_page(request, status, message)
        except Exception:  # the error page itself failed: still no stack trace to anyone
            log.exception("error page failed")
            return HTMLResponse(f"<!doctype html><html lang=\"id\"><title>Sasaran</title>"
                                f"<p>{html.escape(message)}</p></html>", status)
    return JSONResponse(error_body(code, message, details), status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SasaranError)
    async def domain_error(request: Request, exc: SasaranError) -> Response:
        return _failed(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"lokasi": list(e.get("loc", ())), "pesan": e.get("msg")} for e in exc.errors()
        ]
        return _answer(request, 422, "invalid_input", "Parameter permintaan tidak sah.", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
        if not wants_html(request):
            message = str(exc.detail)
        return _answer(request, exc.status_code, "http_error", message, headers=exc.headers)

    @app.exception_handler(OperationalError)
    async def database_down(request: Request, exc: OperationalError) -> Response:
        return _failed(request, exc)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        return _failed(request, exc)


def _failed(request: Request, exc: BaseException) -> Response:
    """A failure's answer from the one description shared with the CLI (``app.failures``)."""
    answer = failure(exc)
    return _answer(request, answer.status, answer.code, answer.message, answer.details)
