"""What a failure tells the person who met it: one place for the API and the CLI.

A domain error keeps its status and message; a database that cannot be reached, or a value it
cannot take, gets its own clear Indonesian line; anything else is "an internal error, logged"
(the traceback goes to the log, never to the person). Messages and details are masked
(``geo.masking``): an identity number echoed from a file never comes back in plain text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DataError, OperationalError

from app.errors import http_status
from geo.errors import SasaranError
from geo.masking import mask_value

log = logging.getLogger("sasaran")
DATABASE_DOWN = "Basis data tidak dapat dihubungi. Coba lagi setelah basis data berjalan."
BAD_VALUE = ("Nilai tidak dapat diproses oleh basis data (mis. karakter NUL atau angka di luar "
             "jangkauan).")
INTERNAL = "Terjadi kesalahan internal; sudah dicatat di log."


@dataclass(frozen=True)
class Failure:
    status: int
    code: str
    message: str
    details: Any = None

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def failure(exc: BaseException) -> Failure:
    """The answer for ``exc``; unexpected errors are logged with their traceback here."""
    if isinstance(exc, SasaranError):
        return Failure(http_status(exc), exc.code, mask_value(exc.message),
                       mask_value(exc.details))
    if isinstance(exc, OperationalError):
        log.warning("database unavailable: %s", exc)
        return Failure(503, "database_unavailable", DATABASE_DOWN)
    if isinstance(exc, DataError):
        log.info("data error: %s", exc.orig)
        return Failure(422, "invalid_input", BAD_VALUE)
    log.error("unhandled error", exc_info=exc)
    return Failure(500, "internal_error", INTERNAL)
