"""Row rules of the household registry import (DTKS-style), per domain.md, column-wise.

``validate_households(chunk, known_kelurahan, seen)`` checks one ``geo.io.tabular.Chunk`` and
returns the accepted rows as columns (``ValidHouseholds``) plus one ``Rejection`` per rejected
row, every problem named by column. ``seen`` (id_keluarga -> first row number) lives across
chunks so that, within one file, the first row of an id wins and later ones are rejected.

Coordinates are never a reason to reject: bad or half-given coordinates are flagged by the
geocoder (``geo.registry.geocode``) and the household is placed at its declared kelurahan.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from operator import itemgetter

from geo import codes, identity
from geo.io import REQUIRED, Checked, Chunk, ColumnSpec, Problem, Rejection, RowWarning, validation
from geo.io.excel import clean_identity_cell

HOUSEHOLD_SPEC = ColumnSpec(
    required=("id_keluarga", "no_kk", "nik_kepala", "nama_kepala", "kode_kelurahan",
              "jumlah_anggota", "desil", "status_verifikasi"),
    optional=("alamat", "lat", "lon", "pengeluaran_per_kapita", "tanggal_verifikasi"),
    kind="rumah_tangga",
)
STATUSES = ("terverifikasi", "belum", "ditolak")
IDENTITY_COLUMNS = ("no_kk", "nik_kepala")
DESIL = frozenset(str(d) for d in range(1, 11))
MAX_MEMBERS = 999  # storage bound (smallint); domain.md only sets the minimum of 1


class Problems:
    """Problems by row position within a chunk; only rows with problems get an entry.

    ``warn`` records a bad *optional* value: its row is kept (the value dropped by the
    caller) and reported as a warning, unless the row is rejected for another reason."""

    def __init__(self) -> None:
        self.by_row: dict[int, list[Problem]] = {}
        self.warned: dict[int, list[Problem]] = {}
        self._kept: list[int] | None = None

    def add(self, position: int, column: str, reason: str) -> None:
        self.by_row.setdefault(position, []).append(Problem(column, reason))

    def warn(self, position: int, column: str, reason: str) -> None:
        self.warned.setdefault(position, []).append(Problem(column, reason))

    def warnings(self, chunk: Chunk) -> list[RowWarning]:
        """Warnings of the kept rows, in file order (a rejected row reports its rejection)."""
        return [RowWarning(chunk.numbers[i], self.warned[i]) for i in sorted(self.warned)
                if i not in self.by_row]

    def rejections(self, chunk: Chunk, identity_columns: Collection[str] = ()) -> list[Rejection]:
        """Rejections with the row as the file had it, except identity numbers (NIK, No. KK),
        which are masked: the kept rows are at rest too (UU 27/2022)."""
        secret = [chunk.headers[chunk.index[c]] for c in identity_columns if c in chunk.index]
        out = []
        for i in sorted(self.by_row):
            data = chunk.original(i)
            for header in secret:
                data[header] = identity.mask_cell(data.get(header, ""))
            out.append(Rejection(chunk.numbers[i], self.by_row[i], data))
        return out

    def keep(self, values: list) -> list:
        """The values of the rows without problems (itemgetter: one C call per column)."""
        if not self.by_row:
            return values
        if self._kept is None:
            self._kept = [i for i in range(len(values)) if i not in self.by_row]
        if not self._kept:
            return []
        picked = itemgetter(*self._kept)(values)
        return list(picked) if len(self._kept) > 1 else [picked]


@dataclass
class ValidHouseholds:
    """Accepted rows, column-wise; numbers are cleaned, codes dotted, text as given."""

    numbers: list[int]
    id_keluarga: list[str]
    no_kk: list[str]
    nik_kepala: list[str]
    nama_kepala: list[str]
    alamat: list[str]
    kode_kelurahan: list[str]
    lat: list[str]
    lon: list[str]
    jumlah_anggota: list[str]
    desil: list[str]
    pengeluaran_per_kapita: list[str]
    status_verifikasi: list[str]
    tanggal_verifikasi: list[str]
    warnings: list[RowWarning] = field(default_factory=list)  # kept rows with a dropped value

    def __len__(self) -> int:
        return len(self.numbers)


def validate_households(
    chunk: Chunk, known_kelurahan: Collection[str], seen: dict[str, int],
    date_order: str = "dmy",
) -> tuple[ValidHouseholds, list[Rejection]]:
    """Apply every row rule of domain.md to a chunk (see module docstring). A bad optional
    value (pengeluaran_per_kapita, tanggal_verifikasi) is dropped and its row kept with a
    warning (``ValidHouseholds.warnings``)."""
    problems = Problems()
    col = chunk.column
    ids = required_text(col("id_keluarga"), "id_keluarga", problems)
    no_kk = identity_numbers(col("no_kk"), "no_kk", problems, kind="kk")
    nik = identity_numbers(col("nik_kepala"), "nik_kepala", problems, kind="nik")
    nama = required_text(col("nama_kepala"), "nama_kepala", problems)
    kode = kelurahan_codes(col("kode_kelurahan"), known_kelurahan, problems)
    jumlah = checked(col("jumlah_anggota"), "jumlah_anggota", problems, True,
                     lambda c: _as_text(validation.integer_in(c, 1, MAX_MEMBERS)), None)
    desil = checked(col("desil"), "desil", problems, True,
                    lambda c: _as_text(validation.integer_in(c, 1, 10)), DESIL.__contains__)
    status = checked(col("status_verifikasi"), "status_verifikasi", problems, True,
                     lambda c: validation.one_of(c, STATUSES), STATUSES.__contains__)
    spend = checked(col("pengeluaran_per_kapita"), "pengeluaran_per_kapita", problems, False,
                    lambda c: _as_text(validation.decimal_at_least(c)), _plain_amount,
                    optional=True)
    tanggal = checked(col("tanggal_verifikasi"), "tanggal_verifikasi", problems, False,
                      lambda c: _as_text(validation.date_cell(c, date_order)), None,
                      optional=True)
    mark_repeated_ids(ids, chunk.numbers, seen, problems)
    keep = problems.keep
    valid = ValidHouseholds(
        keep(chunk.numbers), keep(ids), keep(no_kk), keep(nik), keep(nama),
        keep(col("alamat")), keep(kode), keep(col("lat")), keep(col("lon")), keep(jumlah),
        keep(desil), keep(spend), keep(status), keep(tanggal), problems.warnings(chunk),
    )
    return valid, problems.rejections(chunk, IDENTITY_COLUMNS)


def required_text(cells: list[str], column: str, problems: Problems) -> list[str]:
    if "" in cells:  # a C-level scan; blank cells are rare
        for i in [i for i, c in enumerate(cells) if not c]:
            problems.add(i, column, REQUIRED)
    return cells


def identity_numbers(cells: list[str], column: str, problems: Problems, kind: str) -> list[str]:
    """Cleaned NIK / No. KK; the vectorised check clears most rows, the exact rules the rest
    (after ``geo.io.excel``'s cleaning: apostrophe, Excel numbers in scientific notation)."""
    fast = identity.surely_valid_niks if kind == "nik" else identity.surely_valid_kks
    exact = identity.nik_problem if kind == "nik" else identity.kk_problem
    label = "NIK" if kind == "nik" else "No. KK"
    out = list(cells)
    for i in (~fast(cells)).nonzero()[0].tolist():
        if not cells[i]:
            problems.add(i, column, REQUIRED)
            continue
        number, problem = clean_identity_cell(cells[i], label)
        problem = problem or exact(number)
        if problem:
            problems.add(i, column, problem)
        out[i] = number
    return out


def kelurahan_codes(cells: list[str], known: Collection[str], problems: Problems) -> list[str]:
    """Declared codes, dotted (``6474031002`` is read as ``64.74.03.1002``), must be loaded."""
    unknown = set(cells).difference(known)  # a handful of distinct codes per chunk
    if not unknown:
        return cells
    out = list(cells)
    for i in [i for i, c in enumerate(cells) if c in unknown]:
        code = cells[i]
        if not code:
            problems.add(i, "kode_kelurahan", REQUIRED)
            continue
        dotted = codes.normalise_code(code.replace(".", ""))
        if dotted in known:
            out[i] = dotted
        else:
            problems.add(i, "kode_kelurahan", f"kode kelurahan '{code}' tidak dikenal "
                         "(tidak ada di batas wilayah yang dimuat)")
    return out


def checked(
    cells: list[str], column: str, problems: Problems, required: bool,
    validator: Callable[[str], Checked], fast_ok: Callable[[str], bool] | None,
    optional: bool = False,
) -> list[str]:
    """Validate a column: each distinct value once (columns like desil, status or dates repeat
    a handful of values); cells passing ``fast_ok`` skip even that. Returns normalised text.
    ``optional``: a bad value is a warning and becomes ``""`` (the row is kept)."""
    distinct = set(cells)
    if fast_ok is not None:
        distinct = {c for c in distinct if not fast_ok(c)}
    reasons: dict[str, str] = {}
    rewrites: dict[str, str] = {}
    for cell in distinct:
        if not cell:
            if required:
                reasons[cell] = REQUIRED
            continue
        value, problem = validator(cell)
        if problem:
            reasons[cell] = problem
        elif value != cell:
            rewrites[cell] = value or ""
    if reasons:
        record = problems.warn if optional else problems.add
        for i in [i for i, c in enumerate(cells) if c in reasons]:
            record(i, column, reasons[cells[i]])
        if optional:
            rewrites.update(dict.fromkeys(reasons, ""))
    return [rewrites.get(c, c) for c in cells] if rewrites else cells


def mark_repeated_ids(
    ids: list[str], numbers: list[int], seen: dict[str, int], problems: Problems
) -> None:
    """The first row of an id_keluarga in a file wins; later ones are rejected as duplicates."""
    if "" not in ids and len(set(ids)) == len(ids) and seen.keys().isdisjoint(ids):
        seen.update(zip(ids, numbers, strict=True))  # usual case, all new: no loop per row
        return
    for i, key in enumerate(ids):
        if not key:
            continue
        first = seen.setdefault(key, numbers[i])
        if first != numbers[i]:
            problems.add(i, "id_keluarga", f"id_keluarga ganda: sudah ada di baris {first}")


def _plain_amount(cell: str) -> bool:
    """Whole rupiah written plainly (``450000``), the usual case: no parsing needed."""
    return cell.isascii() and cell.isdigit() and len(cell) < 13


def _as_text(result: Checked) -> Checked:
    value, problem = result
    return (None if value is None else str(value)), problem
