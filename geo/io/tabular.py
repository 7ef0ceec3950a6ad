"""Streaming reader for tabular uploads (CSV and XLSX), shared by every import.

API (generic; households, enrollments and programs imports all use it)::

    spec = ColumnSpec(required=("id_keluarga", "nik"), optional=("alamat",))
    mapping = parse_column_map("NIK_KRT=nik,ID=id_keluarga")      # --columns / API field
    with open_table(path, spec, mapping, sheet=None, name="data.csv") as table:
        table.headers            # the file's own header cells, in order
        for row in table.rows():             # one row at a time ...
            row.number, row.original, row.values   # (int, {header: cell}, {canonical: cell})
        for chunk in table.chunks(100_000):  # ... or column-wise chunks for vectorised work
            chunk.numbers, chunk.column("nik"), chunk.original(i)
        for batch in table.batches(50_000):  # ... or polars Frames where a CSV block allows
            ...                              # (geo.io.csvframes), Chunks elsewhere

- Row numbers are what the user sees: the header is row 1, the first data row is row 2, blank
  rows count (they are skipped, not renumbered).
- Headers match case- and space-insensitively (``"No. KK"`` == ``no_kk``); ``mapping`` renames a
  source header (normalised the same way) onto a canonical column. Unknown columns are ignored
  for ``values`` but kept in ``original``.
- Canonical values are stripped strings, ``""`` when blank or absent. XLSX cells become text:
  integral floats lose their ``.0``, dates become ``YYYY-MM-DD``.
- CSV: UTF-8 with or without BOM; delimiter ``,`` or ``;`` detected from the header line.
  XLSX: openpyxl read-only, the first sheet or ``sheet``. Nothing is held whole in memory.
- A file that cannot be read, or lacks required columns, raises ``ImportRejected`` naming the
  file and the columns (``details = {"berkas": ..., "kolom": [...]}``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl

from geo.errors import ImportRejected, InvalidInput
from geo.io import csvframes, excel
from geo.io.encoding import not_utf8
from geo.io.mapping import Binding, bind
from geo.io.profiles import ColumnProfile

XLSX_SUFFIXES = (".xlsx", ".xlsm")
BYTES_PER_ROW = 128  # CSV blocks for ``Table.batches`` of about ``size`` rows
_NON_WORD = re.compile(r"[^0-9a-z]+")
csv.field_size_limit(1 << 24)


def normalise_header(header: object) -> str:
    """``" No. KK "`` -> ``no_kk``: lower case, runs of other characters become ``_``."""
    return _NON_WORD.sub("_", str(header or "").strip().lower()).strip("_")


@dataclass(frozen=True)
class ColumnSpec:
    """The canonical columns of one import format; ``kind`` names the import (``rumah_tangga``,
    ``anggota``, ``program``, ``kepesertaan``) whose known header aliases and profiles apply."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    kind: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


def parse_column_map(text: str | None, spec: ColumnSpec | None = None) -> dict[str, str]:
    """``"NIK_KRT=nik_kepala, ID=id_keluarga"`` -> ``{"nik_krt": "nik_kepala", ...}``.

    Keys are normalised source headers; values must be canonical columns of ``spec``."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        source, sep, target = part.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise InvalidInput(
                f"Pemetaan kolom '{part.strip()}' tidak sah: gunakan KOLOM_SUMBER=kolom_kami.",
                {"pemetaan": part.strip()},
            )
        canonical = normalise_header(target)
        if spec is not None and canonical not in spec.columns:
            raise InvalidInput(
                f"Pemetaan kolom: '{target.strip()}' bukan kolom yang dikenal "
                f"({', '.join(spec.columns)}).",
                {"pemetaan": part.strip()},
            )
        mapping[normalise_header(source)] = canonical
    return mapping


class SourceRow(NamedTuple):
    number: int
    original: dict[str, str]
    values: dict[str, str]


@dataclass
class Chunk:
    """Consecutive rows of a file, for column-wise processing (cells as read, rows padded)."""

    numbers: list[int]
    cells: list[list[str]]
    headers: list[str]
    index: dict[str, int] = field(repr=False)
    _columns: list[tuple[str, ...]] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, name: str) -> list[str]:
        """Stripped values of a canonical column; ``""`` everywhere if the file lacks it."""
        i = self.index.get(name)
        if i is None:
            return [""] * len(self.cells)
        if self._columns is None:
            # One transpose in C beats a Python loop per column (rows are padded to width).
            self._columns = list(zip(*self.cells, strict=False)) if self.cells else []
        return list(map(str.strip, self._columns[i]))

    def original(self, position: int) -> dict[str, str]:
        """Row ``position`` of the chunk as the user's file had it: ``{header: cell}``."""
        return dict(zip(self.headers, self.cells[position], strict=False))


@dataclass
class Frame:
    """Consecutive full rows of a simple CSV block (``geo.io.csvframes``), numbered from
    ``first``: cells as read, columns named by position (``"0"``, ``"1"``, ...)."""

    first: int
    cells: pl.DataFrame
    headers: list[str]
    index: dict[str, int] = field(repr=False)

    def __len__(self) -> int:
        return self.cells.height

    def chunk(self, positions: list[int]) -> Chunk | None:
        """Some of the rows as a ``Chunk`` for row-wise rules; blank ones dropped, as the
        csv reading would (``Table.chunks``)."""
        picked = self.cells.select(pl.all().gather(positions)).rows()
        return _chunk([list(cells) for cells in picked], [self.first + i for i in positions],
                      self.headers, self.index)


@dataclass
class Table:
    """An opened file: its headers (the file's own, then derived columns' labels), the
    canonical->position index, and a row stream."""

    name: str
    headers: list[str]
    index: dict[str, int]
    _records: Iterator[list[str]]
    _last_number: int = 1
    _csv_path: Path | None = None
    binding: Binding | None = None
    width: int = 0  # the file's own columns

    def __post_init__(self) -> None:
        self.width = self.width or len(self.headers)

    def _derive(self, chunk: Chunk | None) -> Chunk | None:
        """The profile's derived cells appended to each row (nothing to do without any)."""
        if chunk is None or self.binding is None or not self.binding.derived:
            return chunk
        row = self.binding.row
        chunk.cells = [cells + row(cells) for cells in chunk.cells]
        chunk.headers = self.headers
        return chunk

    def chunks(self, size: int = 100_000) -> Iterator[Chunk]:
        while True:
            raw = self._read(size)
            if not raw:
                return
            first = self._last_number + 1
            self._last_number += len(raw)
            chunk = self._derive(_chunk(raw, list(range(first, first + len(raw))),
                                        self.headers[:self.width], self.index))
            if chunk is not None:
                yield chunk

    def batches(self, size: int = 100_000) -> Iterator[Chunk | Frame]:
        """Like ``chunks``, but simple CSV blocks come as polars ``Frame``s (``geo.io.csvframes``):
        the same rows with the same numbers, read without a Python object per cell."""
        if self._csv_path is None:
            yield from self.chunks(size)
            return
        with open(self._csv_path, "rb") as handle:
            header = csvframes.header_line(handle)
            if header is None:
                yield from self.chunks(size)
                return
            delimiter = header[1]
            blocks = csvframes.BlockReader(handle, size * BYTES_PER_ROW)
            for part in blocks:
                frame = csvframes.simple_frame(part, delimiter, self.width)
                if frame is None and b'"' in part:  # a quoted record may span blocks:
                    self._records = _csv_tail(part, blocks, delimiter.decode())  # csv reads
                    yield from self.chunks(size)  # the rest
                    return
                if frame is None:
                    self._records = _split_lines(part, delimiter.decode())
                    yield from self.chunks(size)
                    continue
                first = self._last_number + 1
                self._last_number += frame.height
                if self.binding is not None and self.binding.derived:
                    frame = self.binding.frame(frame, self.width)
                yield Frame(first, frame, self.headers, self.index)

    def rows(self) -> Iterator[SourceRow]:
        for chunk in self.chunks(1000):
            for position, number in enumerate(chunk.numbers):
                cells = chunk.cells[position]
                original = dict(zip(self.headers, cells, strict=False))
                values = {name: cells[i].strip() for name, i in self.index.items()}
                yield SourceRow(number, original, values)

    def _read(self, size: int) -> list[list[str]]:
        try:
            return list(itertools.islice(self._records, size))
        except UnicodeDecodeError as exc:
            if self._csv_path is None:
                raise
            raise not_utf8(self._csv_path, self.name) from exc
        except csv.Error as exc:
            raise ImportRejected(
                f"Berkas {self.name}: sekitar baris {self._last_number + 1} tidak dapat dibaca "
                f"({exc.__class__.__name__}); simpan berkas sebagai CSV UTF-8.",
                {"berkas": self.name, "baris": self._last_number + 1},
            ) from exc


def _chunk(raw: list[list[str]], numbers: list[int], headers: list[str],
           index: dict[str, int]) -> Chunk | None:
    """Rows as a Chunk: short rows padded, blank rows dropped (they keep their number:
    nothing is renumbered); None when every row was blank."""
    width = len(headers)
    odd = [i for i, cells in enumerate(raw) if len(cells) < width or not cells[0]]
    if not odd:  # the usual case: every row full
        return Chunk(numbers, raw, headers, index)
    blank = set()
    for i in odd:
        cells = raw[i]
        if not any(c.strip() for c in cells):
            blank.add(i)
        elif len(cells) < width:
            raw[i] = cells + [""] * (width - len(cells))
    if len(blank) == len(raw):
        return None
    kept = [i for i in range(len(raw)) if i not in blank]
    return Chunk([numbers[i] for i in kept], [raw[i] for i in kept], headers, index)


def _split_lines(part: bytes, delimiter: str) -> Iterator[list[str]]:
    """A quote-free block the way ``_csv_rows`` reads it (decoded lazily, so that a decoding
    error surfaces in ``Table._read`` with its row number)."""
    yield from _split(io.StringIO(part.decode("utf-8"), newline="").readlines(), delimiter)


def _csv_tail(part: bytes, blocks: csvframes.BlockReader, delimiter: str) -> Iterator[list[str]]:
    """The csv module's reading of everything from ``part`` on (the block, the partial line
    read ahead up to its line's end, the rest of the handle)."""
    head = part + blocks.rest + blocks.handle.readline()  # whole lines: no split character
    lines = io.StringIO(head.decode("utf-8"), newline="").readlines()
    tail = io.TextIOWrapper(blocks.handle, encoding="utf-8", newline="")
    yield from csv.reader(itertools.chain(lines, tail), delimiter=delimiter)


@contextmanager
def open_table(
    path: str | Path,
    spec: ColumnSpec,
    column_map: dict[str, str] | None = None,
    sheet: str | None = None,
    name: str | None = None,
    *,
    kind: str = "",
    profile: ColumnProfile | None = None,
    crosswalk: Mapping[str, str] | None = None,
) -> Iterator[Table]:
    """Open a CSV or XLSX file (by suffix of ``name`` or ``path``) for streaming; headers
    resolve through ``profile`` and the known aliases of ``kind`` (``geo.io.mapping``)."""
    path = Path(path)
    label = name or path.name
    is_xlsx = label.lower().endswith(XLSX_SUFFIXES) or path.suffix.lower() in XLSX_SUFFIXES
    opener = _xlsx_records if is_xlsx else _csv_records
    with opener(path, label, sheet) as records:
        headers = _read_header(records, label)
        binding = bind(headers, spec.columns, kind or spec.kind, profile, crosswalk,
                       column_map)
        _check_required(headers, spec, binding.index, label)
        yield Table(label, headers + binding.labels, binding.index, records,
                    _csv_path=None if is_xlsx else path, binding=binding, width=len(headers))


def read_headers(path: str | Path, sheet: str | None = None, name: str | None = None,
                 rows: int = 0) -> tuple[list[str], list[list[str]]]:
    """The header cells and up to ``rows`` first data rows (for detection and preview)."""
    path = Path(path)
    label = name or path.name
    is_xlsx = label.lower().endswith(XLSX_SUFFIXES) or path.suffix.lower() in XLSX_SUFFIXES
    opener = _xlsx_records if is_xlsx else _csv_records
    with opener(path, label, sheet) as records:
        headers = _read_header(records, label)
        first = [cells for cells in itertools.islice(records, rows * 2) if any(cells)][:rows]
    return headers, first


def iter_rows(
    path: str | Path, spec: ColumnSpec, column_map: dict[str, str] | None = None,
    sheet: str | None = None, name: str | None = None,
) -> Iterator[SourceRow]:
    """Convenience: ``(number, original, values)`` for every non-blank data row."""
    with open_table(path, spec, column_map, sheet, name) as table:
        yield from table.rows()


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_header(records: Iterator[list[str]], label: str) -> list[str]:
    for cells in records:
        if any(str(c).strip() for c in cells):
            return [str(c).strip() for c in cells]
        raise ImportRejected(
            f"Berkas {label}: baris 1 harus berisi nama kolom.", {"berkas": label}
        )
    raise ImportRejected(f"Berkas {label} kosong.", {"berkas": label})


def _check_required(headers: list[str], spec: ColumnSpec, index: dict[str, int],
                    label: str) -> None:
    missing = [c for c in spec.required if c not in index]
    if missing:
        raise ImportRejected(
            f"Berkas {label}: kolom wajib tidak ditemukan: {', '.join(missing)}. "
            f"Kolom yang ada: {_short_list(headers)}.",
            {"berkas": label, "kolom": missing},
        )


def _short_list(headers: list[str], most: int = 20, width: int = 40) -> str:
    """Headers for a message: a wrong file (e.g. GeoJSON) must not flood the screen."""
    shown = [h if len(h) <= width else h[:width] + "..." for h in headers[:most]]
    more = f" (+{len(headers) - most} lagi)" if len(headers) > most else ""
    return ", ".join(shown) + more


@contextmanager
def _csv_records(path: Path, label: str, sheet: str | None) -> Iterator[Iterator[list[str]]]:
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed below)
        first = handle.readline()
    except UnicodeDecodeError as exc:
        raise not_utf8(path, label) from exc
    except OSError as exc:
        raise ImportRejected(
            f"Berkas {label} tidak dapat dibuka: {exc}", {"berkas": label}
        ) from exc
    with handle:
        if not first.strip():
            raise ImportRejected(
                f"Berkas {label} kosong atau baris 1 tidak berisi nama kolom.", {"berkas": label}
            )
        delimiter = csvframes.delimiter_for(first)
        handle.seek(0)  # start over (the BOM is skipped again): cheaper than chaining lines
        yield _decoded(_csv_rows(handle, delimiter), path, label)


def _decoded(records: Iterator[list[str]], path: Path, label: str) -> Iterator[list[str]]:
    """The records, with a byte that is not UTF-8 refused naming its row (it may be met
    while the header is read: text is decoded in large blocks)."""
    try:
        yield from records
    except UnicodeDecodeError as exc:
        raise not_utf8(path, label) from exc


def _csv_rows(handle: Any, delimiter: str) -> Iterator[list[str]]:
    """``csv.reader(handle, delimiter=delimiter)``, a third faster on files without quotes.

    Without a ``"`` the csv format is just lines split on the delimiter (the handle, opened
    with ``newline=""``, ends each line at ``\\r\\n``, ``\\n`` or ``\\r`` as csv does), so
    blocks of lines are split with ``str.split`` (measured, 1,000,000 rows: 1.5 s against
    2.2 s). From the first block holding a quote on, csv.reader reads the rest."""
    while True:
        lines = handle.readlines(1 << 20)
        if not lines:
            return
        if '"' in "".join(lines):
            yield from csv.reader(itertools.chain(lines, handle), delimiter=delimiter)
            return
        yield from _split(lines, delimiter)


def _split(lines: list[str], delimiter: str) -> list[list[str]]:
    """Quote-free CSV lines (``newline=""`` reading: each ends at ``\\r\\n``, ``\\n`` or
    ``\\r``, as csv ends them) as csv.reader would read them."""
    return [line.rstrip("\r\n").split(delimiter) for line in lines]


@contextmanager
def _xlsx_records(path: Path, label: str, sheet: str | None) -> Iterator[Iterator[list[str]]]:
    import openpyxl  # deferred: only XLSX imports pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or non-XLSX file
        raise ImportRejected(
            f"Berkas {label} bukan XLSX yang dapat dibaca ({exc.__class__.__name__}).",
            {"berkas": label},
        ) from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportRejected(
                f"Berkas {label}: lembar '{sheet}' tidak ada (ada: {', '.join(book.sheetnames)}).",
                {"berkas": label, "lembar": sheet},
            )
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        yield (_cells_as_text(row) for row in worksheet.iter_rows(values_only=True))
    finally:
        book.close()


def _cells_as_text(row: Iterable[Any]) -> list[str]:
    return [_cell_text(value) for value in row]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float) and float(value).is_integer() and abs(value) < 1e17:
        return excel.numeric_cell_text(value)
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
