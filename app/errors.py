"""The one mapping from domain exceptions to HTTP status codes, and the one error body format:
``{"error": {"code": ..., "message": ..., "details": ...}}``."""

from __future__ import annotations

from typing import Any

from geo.errors import (
    Conflict,
    DatabaseUnavailable,
    ImportRejected,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    RateLimited,
    SasaranError,
)

__all__ = [
    "Conflict",
    "DatabaseUnavailable",
    "ImportRejected",
    "InvalidInput",
    "NotAuthenticated",
    "NotFound",
    "PayloadTooLarge",
    "PermissionDenied",
    "RateLimited",
    "SasaranError",
    "error_body",
    "http_status",
]

HTTP_STATUS: dict[type[SasaranError], int] = {
    NotFound: 404,
    InvalidInput: 422,
    ImportRejected: 422,
    Conflict: 409,
    PermissionDenied: 403,
    NotAuthenticated: 401,
    RateLimited: 429,
    PayloadTooLarge: 413,
    DatabaseUnavailable: 503,
}


def http_status(exc: SasaranError) -> int:
    for cls in type(exc).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 400


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}
