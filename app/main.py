"""The application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api import (
    auth,
    enrollments,
    health,
    households,
    imports,
    poverty,
    programs,
    rollout,
    wilayah,
)
from app.api import coverage as coverage_api
from app.api import map as map_api
from app.db.engine import database_url, make_engine
from app.errors import SasaranError, error_body, http_status
from app.hardening import install as install_hardening
from app.settings import Settings

log = logging.getLogger("sasaran")
STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="Sasaran",
        description="Dasbor geospasial penargetan kemiskinan: registri rumah tangga terverifikasi, "
        "cakupan program, tumpang tindih, kesenjangan, dan perencanaan wilayah percontohan.",
        version="0.1.0",
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(database_url(settings, start_local=False))
    _install_error_handlers(app)
    install_hardening(app, settings)
    for router in (health.router, auth.router, wilayah.router, households.router, imports.router):
        app.include_router(router)
    for router in (programs.router, enrollments.router, coverage_api.router, poverty.router):
        app.include_router(router)
    app.include_router(rollout.router)
    app.include_router(map_api.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SasaranError)
    async def domain_error(_: Request, exc: SasaranError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.details), http_status(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"lokasi": list(e.get("loc", ())), "pesan": e.get("msg")} for e in exc.errors()
        ]
        return JSONResponse(
            error_body("invalid_input", "Parameter permintaan tidak sah.", details), 422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body("http_error", str(exc.detail)), exc.status_code, headers=exc.headers
        )

    @app.exception_handler(OperationalError)
    async def database_down(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return JSONResponse(
            error_body("database_unavailable", "Basis data tidak dapat dihubungi."), 503
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(
            error_body("internal_error", "Terjadi kesalahan internal; sudah dicatat di log."), 500
        )
