"""Domain exceptions: raised by ``geo/`` and the data layer, mapped to HTTP in ``app.errors``.

``message`` is Indonesian and safe to show to a user; ``details`` carries structure (file, row,
column, reason) for the API's error body.
"""

from __future__ import annotations

from typing import Any


class SasaranError(Exception):
    code = "error"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(SasaranError):
    code = "not_found"


class InvalidInput(SasaranError):
    code = "invalid_input"


class ImportRejected(SasaranError):
    """A whole file cannot be imported (unreadable, empty, missing columns, bad features)."""

    code = "import_rejected"


class Conflict(SasaranError):
    code = "conflict"


class PermissionDenied(SasaranError):
    code = "forbidden"


class NotAuthenticated(SasaranError):
    code = "unauthenticated"


class RateLimited(SasaranError):
    code = "rate_limited"


class PayloadTooLarge(SasaranError):
    code = "payload_too_large"


class DatabaseUnavailable(SasaranError):
    code = "database_unavailable"
