"""The log-record factory of ``app.redaction``: identity numbers masked in every record, and the
record still formatted by formatters that read its arguments (uvicorn's access log)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from uvicorn.logging import AccessFormatter

from app.redaction import install_log_masking

NIK = "6474021709780019"
MASKED = "647402********0019"


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    install_log_masking()
    kept: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(record)

    handler = Keep(logging.DEBUG)
    logger = logging.getLogger("sasaran.uji.masking")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield kept
    logger.removeHandler(handler)


def _log(msg: str, *args: object) -> None:
    logging.getLogger("sasaran.uji.masking").info(msg, *args)


def test_an_access_line_with_a_nik_in_its_url_is_formatted_masked(records):
    # uvicorn's access format: its formatter unpacks the five arguments itself.
    _log('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET",
         f"/api/v1/check?nik={NIK}&x=1", "1.1", 200)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s',
                           use_colors=False).format(records[0])
    assert line == f'127.0.0.1:50000 - "GET /api/v1/check?nik={MASKED}&x=1 HTTP/1.1" 200 OK'


def test_an_access_line_without_a_nik_keeps_its_arguments(records):
    args = ("127.0.0.1:50000", "GET", "/tiles/households/14/13000/8000.pbf", "1.1", 200)
    _log('%s - "%s %s HTTP/%s" %d', *args)
    assert records[0].args == args
    assert AccessFormatter('"%(request_line)s" %(status_code)s', use_colors=False).format(
        records[0]) == '"GET /tiles/households/14/13000/8000.pbf HTTP/1.1" 200 OK'


@pytest.mark.parametrize(("msg", "args"), [
    ("NIK %d", (int(NIK),)),  # a number: masking the argument alone cannot hide it
    ("NIK %s%s", (NIK[:8], NIK[8:])),  # split over two arguments
    ("NIK %s", (NIK,)),
    (f"NIK {NIK}", ()),
])
def test_every_way_of_passing_a_nik_ends_masked(records, msg, args):
    _log(msg, *args)
    assert records[0].getMessage() == f"NIK {MASKED}"
    assert NIK not in repr(records[0].args) and NIK not in str(records[0].msg)
