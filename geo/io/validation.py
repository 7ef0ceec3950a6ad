"""Row-level validation shared by every import: problems, rejections, field validators.

A validator takes a cell (a stripped string, ``""`` when blank) and returns ``(value, problem)``:
the parsed value (None when blank or invalid) and an Indonesian reason, or None when the cell is
fine. Blank cells are never a problem here; ``required`` says so separately, so optional columns
use the same validators::

    problems: list[Problem] = []
    desil = check(problems, "desil", integer_in(cell, 1, 10), required=True, blank=cell == "")

``Rejection(row_number, problems, data)`` is what the batch machinery stores (``data`` = the row
as the user's file had it, ``{header: cell}``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from geo import identity
from geo.io import excel
from geo.io.dates import parse_date

REQUIRED = "wajib diisi"


@dataclass(frozen=True)
class Problem:
    kolom: str | None
    alasan: str

    def as_dict(self) -> dict[str, str | None]:
        return {"kolom": self.kolom, "alasan": self.alasan}


@dataclass
class Rejection:
    row_number: int
    problems: list[Problem]
    data: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return "; ".join(f"{p.kolom}: {p.alasan}" if p.kolom else p.alasan for p in self.problems)


@dataclass
class RowWarning:
    """A kept row one of whose optional values was dropped (``problems`` say which, why)."""

    row_number: int
    problems: list[Problem]

    @property
    def message(self) -> str:
        return "; ".join(f"{p.kolom}: {p.alasan}" if p.kolom else p.alasan for p in self.problems)


Checked = tuple[Any, str | None]


def check(problems: list[Problem], column: str, result: Checked, *, required: bool,
          blank: bool) -> Any:
    """Record the problem of one validated cell (or its absence when required); the value."""
    value, problem = result
    if blank and required:
        problems.append(Problem(column, REQUIRED))
    elif problem:
        problems.append(Problem(column, problem))
    return value


def text(cell: str) -> Checked:
    return (cell or None), None


def integer_in(cell: str, low: int | None = None, high: int | None = None) -> Checked:
    """An integer within [low, high]; ``"3.0"`` from spreadsheets is accepted as 3."""
    if not cell:
        return None, None
    try:
        number = float(cell) if "." in cell else int(cell)
    except ValueError:
        return None, f"'{cell}' bukan bilangan bulat"
    if isinstance(number, float):
        if not number.is_integer():
            return None, f"'{cell}' bukan bilangan bulat"
        number = int(number)
    if low is not None and number < low or high is not None and number > high:
        return None, _range_message(low, high)
    return number, None


def _range_message(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"harus antara {low} dan {high}"
    return f"harus >= {low}" if low is not None else f"harus <= {high}"


def decimal_at_least(cell: str, low: Decimal = Decimal(0),
                     high: Decimal = Decimal("999999999999.99")) -> Checked:
    """A rupiah amount in [low, high], written the Indonesian way or the English way (see
    ``normalised_amount``); ``high`` defaults to what a NUMERIC(14, 2) column holds."""
    if not cell:
        return None, None
    number = _decimal(normalised_amount(cell))
    if number is None:
        return None, f"'{cell}' bukan angka (contoh: 450000, 450.000 atau 450.000,50)"
    if not number.is_finite() or number < low:
        return None, f"harus angka >= {low}"
    if number > high:
        return None, f"terlalu besar (maksimum {high})"
    return number, None


def normalised_amount(cell: str) -> str | None:
    """A rupiah amount with ``.`` as the only mark, or None when its marks are inconsistent.

    Exports write "1.250.000,50" (Indonesian) or "1,250,000.50" (English). When both marks
    occur, the last one is the decimal mark. A mark occurring more than once groups
    thousands. A single mark followed by exactly three digits groups thousands too
    ("250.000" is Rp 250.000: rupiah amounts carry at most two decimals); otherwise it is
    the decimal mark ("12,5"). Groups must be three digits each."""
    marks = [c for c in cell if c in ".,"]
    if not marks:
        return cell
    last = marks[-1]
    grouped_only = len(set(marks)) == 1 and (len(marks) > 1 or len(cell.rsplit(last, 1)[1]) == 3)
    if grouped_only:
        whole, fraction, group = cell, None, last
    else:
        whole, fraction = cell.rsplit(last, 1)
        group = "," if last == "." else "."
        if last in whole:
            return None
    if group in whole:
        digits = whole.lstrip("+-")
        parts = digits.split(group)
        if not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])):
            return None
        whole = whole[:len(whole) - len(digits)] + "".join(parts)
    return whole if fraction is None else f"{whole}.{fraction}"


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def iso_date(cell: str) -> Checked:
    """A date written YYYY-MM-DD."""
    if not cell:
        return None, None
    try:
        if len(cell) != 10:
            raise ValueError
        return date.fromisoformat(cell), None
    except ValueError:
        return None, f"'{cell}' bukan tanggal YYYY-MM-DD"


def date_cell(cell: str, order: str = "dmy") -> Checked:
    """A date as Indonesian files write it (``geo.io.dates``: ISO, 15/01/2026, 15-01-2026,
    15.01.2026, Excel serial numbers; day first unless ``order`` says otherwise)."""
    return parse_date(cell, order)


def one_of(cell: str, allowed: Collection[str]) -> Checked:
    """One of ``allowed`` (compared in lower case)."""
    if not cell:
        return None, None
    value = cell.lower()
    if value not in allowed:
        return None, f"'{cell}' tidak dikenal (pilihan: {', '.join(allowed)})"
    return value, None


def nik(cell: str) -> Checked:
    """A valid NIK, cleaned (apostrophe, dots, spaces, a spreadsheet's ``.0`` removed); an
    Excel number in scientific notation has its own reason (``geo.io.excel``)."""
    if not cell:
        return None, None
    number, problem = excel.clean_identity_cell(cell, "NIK")
    problem = problem or identity.nik_problem(number)
    return (None, problem) if problem else (number, None)


def no_kk(cell: str) -> Checked:
    """A valid No. KK, cleaned like ``nik``."""
    if not cell:
        return None, None
    number, problem = excel.clean_identity_cell(cell, "No. KK")
    problem = problem or identity.kk_problem(number)
    return (None, problem) if problem else (number, None)


YES_NO = {"ya": True, "y": True, "1": True, "true": True,
          "tidak": False, "t": False, "0": False, "false": False}


def yes_no(cell: str) -> Checked:
    if not cell:
        return None, None
    value = YES_NO.get(cell.lower())
    if value is None:
        return None, f"'{cell}' harus ya atau tidak"
    return value, None
