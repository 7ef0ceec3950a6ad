"""Identity numbers never reach a log: one log-record factory masks every record's message and
traceback (``geo.masking.mask_text``), whichever logger or library writes it (uvicorn's access
log included). Installed by the app (``create_app``) and the CLI (``app.cli.main``)."""

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
        record.msg, record.args = mask_text(message), ()
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = mask_text(text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return record

    logging.setLogRecordFactory(masked)
    _installed = True
