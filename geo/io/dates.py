"""Dates as Indonesian files write them: one reader for every date column of every import.

Accepted (``order`` says how to read D/M forms; ``"dmy"``, day first, is the Indonesian rule
and the default of every profile):

- ISO ``2026-01-15`` (also ``2026/01/15``, and with a midnight time ``2026-01-15 00:00:00``,
  as pandas and databases export);
- ``15/01/2026``, ``15-01-2026``, ``15.01.2026``, one or two digits for day and month
  (``5/1/2026``); ``order="mdy"`` reads them month first (files from US-locale tools);
- an Excel serial number (``46037`` = 2026-01-15; days since 1899-12-30, Excel's 1900 system),
  as a date cell reads when its column was formatted as a number: 61 (1900-03-01) to 73050
  (2099-12-31); below 61 Excel's own calendar is wrong (it counts 29 Feb 1900);
- XLSX date cells arrive already as ISO (``geo.io.tabular``).

Two-digit years (``15/01/26``) are refused: the century cannot be known for birth dates.
A date that does not exist (``31/02/2026``) is refused, never moved.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

ORDERS = ("dmy", "mdy", "ymd")
EXCEL_EPOCH = date(1899, 12, 30)
FIRST_SERIAL, LAST_SERIAL = 61, 73050
_ISO = re.compile(r"([12][0-9]{3})[-/]([0-9]{1,2})[-/]([0-9]{1,2})(?:[ T]00:00(?::00)?)?")
_DAY_MONTH = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([12][0-9]{3})")
_SERIAL = re.compile(r"([0-9]{1,5})(?:\.0+)?")


def date_problem_text(cell: str) -> str:
    return f"'{cell}' bukan tanggal (contoh: 15/01/2026 atau 2026-01-15)"


def parse_date(cell: str, order: str = "dmy") -> tuple[date | None, str | None]:
    """``(date, None)``, ``(None, None)`` for a blank cell, or ``(None, reason)``."""
    cell = cell.strip()
    if not cell:
        return None, None
    found = _read(cell, order)
    return (found, None) if found is not None else (None, date_problem_text(cell))


def _read(cell: str, order: str) -> date | None:
    iso = _ISO.fullmatch(cell)
    if iso:
        return _make(int(iso[1]), int(iso[2]), int(iso[3]))
    day_month = _DAY_MONTH.fullmatch(cell)
    if day_month and order != "ymd":
        first, second, year = int(day_month[1]), int(day_month[3]), int(day_month[4])
        day, month = (first, second) if order == "dmy" else (second, first)
        return _make(year, month, day)
    serial = _SERIAL.fullmatch(cell)
    if serial and FIRST_SERIAL <= int(serial[1]) <= LAST_SERIAL:
        return EXCEL_EPOCH + timedelta(days=int(serial[1]))
    return None


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
