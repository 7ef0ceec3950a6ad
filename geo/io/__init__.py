"""Files in and out: streaming CSV/XLSX reading, the row-validation toolkit every import shares,
rows bound for XLSX sheets, and column profiles (how an agency's layout maps onto ours).

Public: ``open_table``, ``Table``, ``Chunk``, ``Frame``, ``ColumnSpec``, ``parse_column_map``,
``normalise_header``, ``file_sha256``, ``read_headers``, ``XLSX_SUFFIXES`` (tabular; csvframes
is its private fast path); ``Problem``, ``Rejection``, ``RowWarning``, ``Checked``, ``REQUIRED``
and the field validators of the ``validation`` module (used as ``validation.nik(cell)``);
``xlsx_cells``, ``csv_cells`` (sheets: every spreadsheet row passes through them, formulas made
inert); ``ColumnProfile``, ``from_definition``, ``parse_pairs``,
``header_key``, ``KINDS`` (profiles); ``BUILTIN``, ``builtin``, ``detect`` (aliases); ``bind``,
``Binding`` (mapping). ``dates`` and ``excel`` are read through ``validation``.
"""

from geo.io import validation
from geo.io.aliases import BUILTIN, builtin, detect
from geo.io.mapping import Binding, bind
from geo.io.profiles import KINDS, ColumnProfile, from_definition, header_key, parse_pairs
from geo.io.sheets import csv_cells, xlsx_cells
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
    read_headers,
)
from geo.io.validation import REQUIRED, Checked, Problem, Rejection, RowWarning

__all__ = ["BUILTIN", "KINDS", "REQUIRED", "XLSX_SUFFIXES", "Binding", "Checked", "Chunk",
           "ColumnProfile", "ColumnSpec", "Frame", "Problem", "Rejection", "RowWarning", "Table",
           "bind", "builtin", "csv_cells", "detect", "file_sha256", "from_definition",
           "header_key", "normalise_header", "open_table", "parse_column_map", "parse_pairs",
           "read_headers", "validation", "xlsx_cells"]
