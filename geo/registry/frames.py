"""The household row rules on a polars frame: the rows that surely pass, without a Python loop.

``split_frame(frame, known_kelurahan, seen)`` strips the cells of a ``geo.io.tabular.Frame`` and
divides its rows in two:

- ``clean``: the rows that certainly pass every rule of ``geo.registry.households`` *unchanged*
  (nothing to clean or rewrite), as a frame of their row ``number`` and stripped canonical columns:
  usually all but a few;
- ``slow``: the other rows, as a ``Chunk`` for ``geo.registry.households.validate_households``,
  which judges them with the exact rules and messages (it may still accept them, e.g. a NIK written
  with dots).

The checks here only ever accept what the exact rules accept unchanged, so the two paths cannot
disagree (tests/registry/test_household_frames.py holds them to the same answers). Repeated
``id_keluarga``: a row is clean only as the first of its id in the frame and when no earlier row
of the file had it (``SeenIds``, shared with the exact path, which gets the later rows in file
order and rejects them as duplicates).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import polars as pl

from geo.io import Chunk, Frame
from geo.registry.geocode import cell_float
from geo.registry.households import DESIL, HOUSEHOLD_SPEC, MAX_MEMBERS, STATUSES

# Exactly what Python's str.strip() removes, so both paths strip alike (written out: deriving
# it scans every code point, 40 ms at each start;
# tests/registry/test_household_frames.py derives it).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
              "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
SIXTEEN_DIGITS = r"^[0-9]{16}$"
PLAIN_COUNT = r"^[1-9][0-9]{0,5}$"  # no sign, no leading zero, no ".0": int() leaves it as is
PLAIN_AMOUNT = r"^[0-9]{0,12}$"  # geo.registry.households._plain_amount, or blank
ISO_DATE = r"^[12][0-9]{3}-[0-9]{2}-[0-9]{2}$"
PLAIN_DEGREES = r"^-?[0-9]{1,3}(\.[0-9]{1,15})?$"  # read alike by polars and float()


class SeenIds:
    """The ``id_keluarga`` met so far in a file, for "the first row wins".

    The row-wise rules need ``id -> first row number`` (a dict); a frame only asks "met
    before?" for tens of thousands of ids at once, which a sorted array of their 64-bit
    hashes answers without a Python string per id (measured, 1M ids: a dict took 0.75 s).
    A hash hit (a repeat, or a rare collision) sends the row to the row-wise rules, whose
    dict first learns the exact first row of every id they will look at (``exact_for``).
    """

    def __init__(self) -> None:
        self.exact: dict[str, int] = {}  # ids met by the row-wise rules, and looked-up ones
        self._hashes = np.empty(0, dtype=np.uint64)  # sorted, every id met
        self._clean: list[pl.DataFrame] = []  # (id_keluarga, number) of frames' clean rows

    def met(self, ids: pl.Series) -> np.ndarray:
        """True where the id's hash is among those met (a superset of the ids met)."""
        hashes = ids.hash(seed=0).to_numpy()
        at = np.searchsorted(self._hashes, hashes).clip(max=max(len(self._hashes) - 1, 0))
        return self._hashes[at] == hashes if len(self._hashes) else np.zeros(len(ids), bool)

    def add_clean(self, rows: pl.DataFrame) -> None:
        """Clean rows of a frame (columns ``id_keluarga`` and ``number``): first occurrences."""
        self._clean.append(rows.select("id_keluarga", "number"))
        self._add(rows["id_keluarga"])

    def exact_for(self, chunk: Chunk) -> dict[str, int]:
        """The dict for ``validate_households(chunk, ...)``: it holds the first row of every id
        of the chunk met before, and learns the chunk's ids."""
        ids = pl.Series(chunk.column("id_keluarga"), dtype=pl.String)
        candidates = ids.filter(pl.Series(self.met(ids))).unique()
        if len(candidates):
            for clean in self._clean:
                found = clean.filter(pl.col("id_keluarga").is_in(candidates.implode()))
                for key, number in found.iter_rows():
                    self.exact.setdefault(key, number)
        self._add(ids.filter(ids != ""))
        return self.exact

    def _add(self, ids: pl.Series) -> None:
        new = np.sort(ids.hash(seed=0).to_numpy())
        self._hashes = np.insert(self._hashes, np.searchsorted(self._hashes, new), new)


def split_frame(
    frame: Frame, known_kelurahan: Collection[str], seen: SeenIds
) -> tuple[pl.DataFrame, Chunk | None]:
    """``(clean, slow)`` as in the module docstring; ``seen`` learns the clean rows' ids."""
    cells = frame.cells.select(
        pl.int_range(frame.first, frame.first + len(frame), dtype=pl.Int64).alias("number"),
        *canonical_columns(frame.index),
    )
    ok = cells.select(surely_valid(known_kelurahan)).to_series()
    ok &= cells["id_keluarga"].is_first_distinct()
    ok &= pl.Series(~seen.met(cells["id_keluarga"]))
    clean = cells if ok.all() else cells.filter(ok)
    seen.add_clean(clean)
    if clean.height == cells.height:
        return cells, None
    return clean, frame.chunk(ok.not_().arg_true().to_list())


def canonical_columns(index: dict[str, int]) -> list[pl.Expr]:
    """The spec's columns, stripped; ``""`` for a column the file lacks."""
    return [
        pl.col(str(index[name])).str.strip_chars(WHITESPACE).alias(name) if name in index
        else pl.lit("", dtype=pl.String).alias(name)
        for name in HOUSEHOLD_SPEC.columns
    ]


def surely_valid(known_kelurahan: Collection[str]) -> pl.Expr:
    """True where a row passes every rule unchanged (see the module docstring)."""
    col = pl.col
    members = col("jumlah_anggota")
    return (
        (col("id_keluarga") != "") & (col("nama_kepala") != "")
        & valid_nik(col("nik_kepala")) & valid_kk(col("no_kk"))
        & col("kode_kelurahan").is_in(sorted(known_kelurahan))
        & members.str.contains(PLAIN_COUNT)
        & members.cast(pl.Int64, strict=False).is_between(1, MAX_MEMBERS)
        & col("desil").is_in(sorted(DESIL)) & col("status_verifikasi").is_in(STATUSES)
        & col("pengeluaran_per_kapita").str.contains(PLAIN_AMOUNT)
        & blank_or_date(col("tanggal_verifikasi"))
    )


def valid_kk(cells: pl.Expr) -> pl.Expr:
    """``identity.kk_problem`` is None: 16 digits, not starting with 00."""
    return cells.str.contains(SIXTEEN_DIGITS) & (cells.str.slice(0, 2) != "00")


def valid_nik(cells: pl.Expr) -> pl.Expr:
    """``identity.nik_problem`` is None: as a No. KK, plus the birth day (women + 40), the
    birth month and a serial other than 0000."""
    day = cells.str.slice(6, 2).cast(pl.Int32, strict=False)
    month = cells.str.slice(8, 2).cast(pl.Int32, strict=False)
    return (
        valid_kk(cells) & (day.is_between(1, 31) | day.is_between(41, 71))
        & month.is_between(1, 12) & (cells.str.slice(12, 4) != "0000")
    )


def blank_or_date(cells: pl.Expr) -> pl.Expr:
    """Blank, or a real calendar date written YYYY-MM-DD (year 1000-2999)."""
    real = cells.str.to_date("%Y-%m-%d", strict=False).is_not_null()
    return (cells == "") | (cells.str.contains(ISO_DATE) & real)


def positions(codes: pl.Series, loaded: np.ndarray) -> np.ndarray:
    """``KelurahanIndex.positions`` of a code column: each code's position in ``loaded``,
    -1 for a code not loaded."""
    return codes.replace_strict(loaded.tolist(), range(len(loaded)), default=-1,
                                return_dtype=pl.Int64).to_numpy()


def coordinates(lat: pl.Series, lon: pl.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``geo.registry.geocode.parse_coordinates`` for frame columns: ``(lon, lat, given)``."""
    given = ((lat.str.len_bytes() + lon.str.len_bytes()) > 0).to_numpy()
    return degrees(lon), degrees(lat), given


def degrees(cells: pl.Series) -> np.ndarray:
    """Floats, NaN when blank or unreadable; plain decimals read natively, the rare rest
    (``0,13``, ``1e2``) cell by cell like ``parse_coordinates``."""
    values = cells.cast(pl.Float64, strict=False).to_numpy().copy()  # null (blank): NaN
    odd = (~cells.str.contains(PLAIN_DEGREES) & (cells != "")).arg_true().to_list()
    for i in odd:
        values[i] = cell_float(cells[i])
    return values
