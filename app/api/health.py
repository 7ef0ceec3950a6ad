from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from app.db.migrate import current_revisions, head_revisions
from app.deps import EngineDep

router = APIRouter(tags=["sistem"])


@router.get("/healthz", summary="Status layanan dan basis data")
def healthz(engine: EngineDep) -> JSONResponse:
    """Database reachability and schema revision; 503 when the database cannot be reached
    or its schema is behind the code."""
    heads = sorted(head_revisions())
    try:
        revisions = sorted(current_revisions(engine))
    except SQLAlchemyError:
        body = {"status": "error", "database": "tidak terhubung", "schema_head": heads}
        return JSONResponse(body, status_code=503)
    status = "ok" if revisions == heads else "perlu_migrasi"
    body = {"status": status, "database": "terhubung", "schema_revision": revisions,
            "schema_head": heads}
    return JSONResponse(body, status_code=200 if status == "ok" else 503)
