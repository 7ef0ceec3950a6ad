"""Rows bound for a spreadsheet: the one place every CSV and XLSX the product writes passes
its cells through (exports, reports, annotated check files, the audit log).

Two dangers in text that came from a user or a file: control characters a worksheet cannot
hold (openpyxl refuses them), and formula injection (OWASP "CSV injection"): a cell starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by spreadsheet
programs (``=HYPERLINK("http://...")`` in a name, a plan called ``=1+1``). Such text gets a
leading apostrophe, so it stays readable and is never run. Numbers are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """A text cell that would start a formula, prefixed with ``'``; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_LEAD):
        return "'" + value
    return value


def xlsx_cells(values: Iterable[Any]) -> list[Any]:
    """A worksheet row: control characters dropped from text, formulas made inert."""
    return [inert(XLSX_ILLEGAL.sub("", v)) if isinstance(v, str) else v for v in values]


def csv_cells(values: Iterable[Any]) -> list[Any]:
    """A CSV row: formulas made inert."""
    return [inert(v) for v in values]
