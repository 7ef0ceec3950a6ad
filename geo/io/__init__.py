"""Files in and out: streaming CSV/XLSX reading, the row-validation toolkit every import shares,
and rows bound for XLSX sheets.

Public: ``open_table``, ``Table``, ``Chunk``, ``Frame``, ``ColumnSpec``, ``parse_column_map``,
``normalise_header``, ``file_sha256``, ``XLSX_SUFFIXES`` (tabular; csvframes is its private fast
path); ``Problem``, ``Rejection``, ``Checked``, ``REQUIRED`` and the field validators of the
``validation`` module (used as ``validation.nik(cell)``); ``xlsx_cells`` (sheets).
"""

from geo.io import validation
from geo.io.sheets import xlsx_cells
from geo.io.tabular import (
    XLSX_SUFFIXES,
    Chunk,
    ColumnSpec,
    Frame,
    Table,
    file_sha256,
    normalise_header,
    open_table,
    parse_column_map,
)
from geo.io.validation import REQUIRED, Checked, Problem, Rejection

__all__ = ["REQUIRED", "XLSX_SUFFIXES", "Checked", "Chunk", "ColumnSpec", "Frame", "Problem",
           "Rejection", "Table", "file_sha256", "normalise_header", "open_table",
           "parse_column_map", "validation", "xlsx_cells"]
