"""A look at an uploaded file before it is loaded: its headers, the column each feeds, the
required columns still missing, and its first rows (identity numbers masked).

This is the seam where a column mapping is chosen: headers resolve exactly as the import
resolves them (``geo.io.mapping.bind``: rename rules, the column's own name, the known aliases
of the spec's kind), with the user's rename rules (``{normalised source header: canonical
column}``) and, optionally, a column profile (an agency layout: renames, split area codes
combined, constants; chosen or detected by ``app.services.io.profiles.choose_profile``)::

    choice = choose_profile(conn, path, "rumah_tangga", sheet=sheet, name=name)
    look = preview_file(path, HOUSEHOLD_SPEC, column_map, sheet, name, profile=choice.profile)
    look.columns        # [ColumnChoice(header, target, automatic, used_by)], file order
    look.derived        # [(canonical column, how the profile fills it)], e.g. combined codes
    look.rows           # [(row number, the file's cells + the derived cells)], masked
    look.missing        # required canonical columns nothing feeds
    mapping = mapping_from_choices(look.headers, {"NIK_KRT": "nik_kepala"}, HOUSEHOLD_SPEC)

The import then takes the same ``column_map`` and ``profile`` (``UploadRequest``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from geo import identity
from geo.errors import InvalidInput
from geo.io.mapping import bind
from geo.io.profiles import ColumnProfile
from geo.io.tabular import (
    XLSX_SUFFIXES,
    ColumnSpec,
    _csv_records,
    _read_header,
    _xlsx_records,
    normalise_header,
)

IGNORE = ""  # the choice "do not load this column"
IDENTITY_COLUMNS = frozenset({"nik", "no_kk", "nik_kepala"})
_LONG_DIGITS = re.compile(r"\d[\d .\-']{13,}\d")
NIK_LIKE_DIGITS = 15  # a run with this many digits may be a NIK/No. KK, whatever its column


@dataclass(frozen=True)
class ColumnChoice:
    header: str
    target: str | None  # canonical column fed by this header; None = ignored
    automatic: bool  # True when the header's own name decided (no mapping rule)
    # The derived column this header is a source of when it feeds none itself (KDPROP ->
    # kode_kelurahan): the page must not read as if the header were ignored.
    used_by: str | None = None


@dataclass
class FilePreview:
    name: str
    headers: list[str]
    columns: list[ColumnChoice]
    missing: list[str]
    derived: list[tuple[str, str]]  # (canonical column, how the profile fills it)
    profile: str | None  # the profile's name, when one applies
    # (row number as the user sees it, the file's cells then one per ``derived``), masked
    rows: list[tuple[int, list[str]]]
    row_estimate: int | None
    sheets: list[str]

    @property
    def ready(self) -> bool:
        """Every required column is fed: the file can be loaded with this mapping."""
        return not self.missing


def is_xlsx(path: Path, name: str) -> bool:
    return name.lower().endswith(XLSX_SUFFIXES) or path.suffix.lower() in XLSX_SUFFIXES


def preview_file(
    path: str | Path, spec: ColumnSpec, column_map: Mapping[str, str] | None = None,
    sheet: str | None = None, name: str | None = None, rows: int = 8, *,
    profile: ColumnProfile | None = None, crosswalk: Mapping[str, str] | None = None,
) -> FilePreview:
    """Headers, the mapping they get, and the first ``rows`` non-blank rows with the cells
    the profile derives (``crosswalk``: the BPS -> Kemendagri table a combined area code is
    looked up in, as at import). A file that cannot be read at all raises ``ImportRejected``
    as the import would; missing required columns do not raise here: they are what the user
    fixes next."""
    path = Path(path)
    label = name or path.name
    xlsx = is_xlsx(path, label)
    opener = _xlsx_records if xlsx else _csv_records
    with opener(path, label, sheet) as records:
        headers = _read_header(records, label)
        first = _first_rows(records, len(headers), rows)
    binding = bind(headers, spec.columns, spec.kind, profile, crosswalk,
                   dict(column_map or {}))
    by_position = {position: name for name, position in binding.index.items()}
    targets = [by_position.get(position) for position in range(len(headers))]
    used_by: dict[int, str] = {}
    for derived in binding.derived:
        for source in derived.sources:
            used_by.setdefault(source, derived.name)
    columns = [ColumnChoice(h, t, normalise_header(h) not in (column_map or {}),
                            None if t else used_by.get(i))
               for i, (h, t) in enumerate(zip(headers, targets, strict=True))]
    derived_targets: list[str | None] = [d.name for d in binding.derived]
    masked = [(n, _masked(cells[:len(headers)] + binding.row(cells[:len(headers)]),
                          targets + derived_targets)) for n, cells in first]
    estimate, sheets = _xlsx_facts(path, sheet) if xlsx else (_csv_rows(path), [])
    return FilePreview(
        name=label, headers=headers, columns=columns,
        missing=[c for c in spec.required if c not in binding.index], rows=masked,
        row_estimate=estimate, sheets=sheets,
        derived=[(d.name, d.label) for d in binding.derived],
        profile=profile.name if profile else None,
    )


def mapping_from_choices(
    headers: list[str], choices: Mapping[str, str], spec: ColumnSpec
) -> dict[str, str]:
    """The rename rules that make each header feed the chosen canonical column (``IGNORE``:
    none). Only headers whose choice differs from what their own name gives get a rule, so
    an untouched preview loads exactly as the plain import would. A column chosen twice, or
    a choice that is not a column of ``spec``, raises ``InvalidInput`` naming the header."""
    mapping: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for header in headers:
        if header not in choices:
            continue
        choice = choices[header]
        if choice != IGNORE and choice not in spec.columns:
            raise InvalidInput(f"Kolom '{header}': '{choice}' bukan kolom yang dikenal.",
                               {"kolom": header})
        if choice != IGNORE and choice in claimed:
            raise InvalidInput(
                f"Kolom '{header}' dan '{claimed[choice]}' sama-sama dipetakan ke {choice}; "
                "pilih satu.", {"kolom": header})
        if choice != IGNORE:
            claimed[choice] = header
        key = normalise_header(header)
        if choice != key:
            mapping[key] = choice or "_abaikan"  # not a canonical column: the header is skipped
    return mapping


def _first_rows(records: Iterator[list[str]], width: int,
                wanted: int) -> list[tuple[int, list[str]]]:
    found: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(records, start=2):
        if len(found) >= wanted or number > wanted + 1000:  # stop on a sea of blank rows
            break
        if any(c.strip() for c in cells):
            found.append((number, list(cells) + [""] * (width - len(cells))))
    return found


def _masked(cells: list[str], targets: list[str | None]) -> list[str]:
    """Identity columns masked like stored rejected rows; any other long digit run too
    (a spouse's NIK in a notes column must not be shown either)."""
    out = []
    for i, cell in enumerate(cells):
        target = targets[i] if i < len(targets) else None
        if target in IDENTITY_COLUMNS and cell.strip():
            out.append(identity.mask_cell(cell))
        else:
            out.append(_LONG_DIGITS.sub(_mask_if_identity, cell))
    return out


def _mask_if_identity(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    return identity.mask_cell(text) if digits >= NIK_LIKE_DIGITS else text


def _csv_rows(path: Path) -> int:
    """Data lines of a CSV (header excluded): a progress bar's denominator, read in blocks."""
    lines, last = 0, b"\n"
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def _xlsx_facts(path: Path, sheet: str | None) -> tuple[int | None, list[str]]:
    """Rows the sheet declares (its dimension, header excluded; None when it declares none)
    and the workbook's sheet names."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            return None, names
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        rows = worksheet.max_row
        return (None if rows is None else max(rows - 1, 0)), names
    finally:
        book.close()
