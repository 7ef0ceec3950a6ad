"""Identity numbers never reach a log: one log-record factory masks every record's message and
traceback (``geo.masking.mask_text``), whichever logger or library writes it (uvicorn's access
log included). Installed by the app (``create_app``) and the CLI (``app.cli.main``).

A record keeps its ``msg`` and ``args`` whenever that is safe, because some formatters read the
arguments themselves: uvicorn's access formatter unpacks five of them, and a record emptied of
its arguments made every request print a "Logging error" traceback instead of its access line
(about a tenth of the server's time under a tile load, docs/performance.md). Safe means the
message holds nothing to mask, or masking the message and each argument apart gives exactly the
masked whole; otherwise the record carries the masked message alone."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from geo.masking import mask_text

_installed = False


def install_log_masking() -> None:
    """Wrap the process's log-record factory once (idempotent)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def masked(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string: leave it to the handler's own error
            return record
        masked_message = mask_text(message)
        if masked_message != message:
            record.msg, record.args = _masked_parts(record, masked_message)
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = mask_text(text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return record

    logging.setLogRecordFactory(masked)
    _installed = True


def _masked_parts(record: logging.LogRecord, masked_message: str) -> tuple[Any, Any]:
    """``msg`` and ``args`` with their identity numbers masked, when they still format to
    exactly ``masked_message`` (a number given as an int, or one split over two arguments,
    does not); else the masked message with no arguments."""
    if isinstance(record.msg, str) and isinstance(record.args, tuple) and record.args:
        args = tuple(mask_text(a) if isinstance(a, str) else a for a in record.args)
        msg = mask_text(record.msg)
        try:
            if msg % args == masked_message:
                return msg, args
        except (TypeError, ValueError):
            pass
    return masked_message, ()
