"""Rows bound for an XLSX worksheet (exports, reports, annotated check files)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_cells(values: Iterable[Any]) -> list[Any]:
    """The row with the control characters a worksheet cannot hold dropped from its text
    (openpyxl refuses them, and an uploaded cell or a typed name may carry one)."""
    return [XLSX_ILLEGAL.sub("", v) if isinstance(v, str) else v for v in values]
