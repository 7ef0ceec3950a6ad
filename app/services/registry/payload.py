"""Accepted household rows -> COPY text (``household_load.COLUMNS`` order), column-wise.

Identity numbers become HMAC digests and masks here; points become EWKB (EPSG:4326, lon/lat)
built with numpy, and their stored H3 cell (``geo.hexagons``). Joining whole columns once
is several times faster than a csv writer.
Two entries, one text: ``copy_payload`` for rows judged by the exact row rules (Python
lists), ``frame_payload`` for the clean rows of a polars frame (``geo.registry.frames``).
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import numpy as np
import polars as pl

from app.db.citus import KABKOTA_LENGTH
from geo import identity
from geo.hexagons import cells_of
from geo.registry import FLAG_ORDER, KelurahanIndex, ValidHouseholds, flag_names, parse_coordinates
from geo.registry import frames as household_frames

FLAG_TEXT = ["{" + ",".join(flag_names(bits)) + "}" for bits in range(1 << len(FLAG_ORDER))]
EWKB_POINT_4326 = "0101000020E6100000"  # little endian, Point with SRID, 4326
NULL = "\\N"


class DuplicateTracker:
    """Head NIK and No. KK digests of a whole file (used on a fresh load, when the file is the
    whole registry): the digests shared by several households, found once at the end.

    Kept as numpy byte rows (64 MB per million households): one sort at the end costs less
    than a dict lookup per digest while streaming."""

    def __init__(self) -> None:
        self.nik: list[np.ndarray] = []
        self.kk: list[np.ndarray] = []

    def add(self, nik_digests: bytes, kk_digests: bytes) -> None:
        """Concatenated 32-byte digests of one chunk's accepted rows."""
        self.nik.append(np.frombuffer(nik_digests, dtype="S32"))
        self.kk.append(np.frombuffer(kk_digests, dtype="S32"))

    def shared(self) -> tuple[list[bytes], list[bytes]]:
        """(head NIK digests, No. KK digests) that occur more than once."""
        return _repeated(self.nik), _repeated(self.kk)


def _repeated(parts: list[np.ndarray]) -> list[bytes]:
    if not parts:
        return []
    digests = np.concatenate(parts)
    # Sorting 8-byte prefixes is ~10x faster than sorting the 32-byte strings; the few rows
    # whose prefix repeats are then compared whole.
    prefix = digests.view("<u8")[::4]
    ordered = np.sort(prefix)
    candidates = digests[np.isin(prefix, ordered[1:][ordered[1:] == ordered[:-1]])]
    counts = Counter(bytes(d).ljust(32, b"\0") for d in candidates)  # np.bytes_ drops NULs
    return sorted(d for d, n in counts.items() if n > 1)


def copy_payload(valid: ValidHouseholds, key: bytes, index: KelurahanIndex, batch_id: int,
                 flag_counts: Counter[str], tracker: DuplicateTracker | None = None,
                 first_id: int | None = None) -> str:
    """The rows as COPY text: hashed, masked, geocoded; flag counts added to ``flag_counts``.
    With ``first_id``, each row starts with its id (``first_id``, ``first_id + 1``, ...)."""
    if not len(valid):
        return ""
    lon, lat, given = parse_coordinates(valid.lat, valid.lon)
    located = index.locate(lon, lat, given, valid.kode_kelurahan)
    flag_bits = located.flags.tolist()
    effective = located.kode.tolist()
    count_flags(located.flags, flag_counts)
    kk_digests = b"".join(identity.digest_many(key, valid.no_kk))
    nik_digests = b"".join(identity.digest_many(key, valid.nik_kepala))
    if tracker is not None:
        tracker.add(nik_digests, kk_digests)
    # The last two columns (flags, batch) take one of 32 texts: one lookup instead of two cells.
    tail = [FLAG_TEXT[b] + "\t" + str(batch_id) for b in range(len(FLAG_TEXT))]
    columns: tuple[list[str], ...] = (
        copy_text(valid.id_keluarga),
        identity_cells(kk_digests, valid.no_kk, nik_digests, valid.nik_kepala),
        copy_text(valid.nama_kepala), copy_text(valid.alamat, nullable=True),
        valid.kode_kelurahan, effective, copy_points(located.lon, located.lat),
        valid.jumlah_anggota, valid.desil, copy_text(valid.pengeluaran_per_kapita, True),
        valid.status_verifikasi, copy_text(valid.tanggal_verifikasi, nullable=True),
        [tail[b] for b in flag_bits], [code[:KABKOTA_LENGTH] for code in effective],
        copy_cells(located.lon, located.lat),
    )
    if first_id is not None:
        columns = (list(map(str, range(first_id, first_id + len(valid)))), *columns)
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


BYTEA_PREFIX = np.frombuffer(b"\\\\x", dtype=np.uint8)  # \\x: an escaped backslash, then x
FILL = np.frombuffer(identity.MASK_FILL.encode(), dtype=np.uint8)
TAB = ord("\t")


def identity_cells(kk_digests: bytes, no_kk: list[str], nik_digests: bytes,
                   nik: list[str]) -> list[str]:
    """The four identity columns (No. KK digest, mask, head NIK digest, mask) of each row as
    one tab-joined cell, built as a numpy byte matrix: every part has a fixed width (digests
    32 bytes, accepted numbers 16 ASCII digits), so no Python call per row but one slice."""
    n = len(no_kk)
    parts = (_bytea_hex(kk_digests, n), _masked(no_kk), _bytea_hex(nik_digests, n), _masked(nik))
    width = sum(p.shape[1] for p in parts) + len(parts) - 1
    out = np.full((n, width), TAB, dtype=np.uint8)
    at = 0
    for part in parts:
        out[:, at:at + part.shape[1]] = part
        at += part.shape[1] + 1
    text = out.tobytes().decode("ascii")
    return [text[i:i + width] for i in range(0, n * width, width)]


def _bytea_hex(digests: bytes, n: int) -> np.ndarray:
    hexed = np.frombuffer(digests.hex().encode("ascii"), dtype=np.uint8).reshape(n, -1)
    prefix = np.broadcast_to(BYTEA_PREFIX, (n, len(BYTEA_PREFIX)))
    return np.hstack([prefix, hexed])


def _masked(numbers: list[str]) -> np.ndarray:
    """``identity.mask`` of 16-digit numbers as byte rows (first 6 digits, fill, last 4)."""
    digits = np.frombuffer("".join(numbers).encode("ascii"), dtype=np.uint8)
    if len(digits) != 16 * len(numbers):  # validation only accepts 16 digits; stay honest
        raise ValueError("identity numbers must be 16 ASCII digits here")
    digits = digits.reshape(-1, 16)
    return np.hstack([digits[:, :6], np.broadcast_to(FILL, (len(numbers), len(FILL))),
                      digits[:, 12:]])


def copy_text(values: list[str], nullable: bool = False) -> list[str]:
    """Values for COPY's text format: escape backslash, tab and line breaks (only when a
    column has any, checked in one pass), and ``""`` -> NULL for nullable columns."""
    joined = "".join(values)
    if "\x00" in joined:  # PostgreSQL text cannot hold NUL; a stray one must not fail COPY
        values = [v.replace("\x00", "") for v in values]
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        values = [v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                  .replace("\r", "\\r") for v in values]
    if nullable:
        values = [v or NULL for v in values]
    return values


def copy_cells(lon: Any, lat: Any) -> list[str]:
    """The stored H3 cell of each point (``geo.hexagons``), NULL where lon is NaN."""
    return [NULL if c is None else str(c) for c in cells_of(lon.tolist(), lat.tolist())]


def copy_points(lon: Any, lat: Any) -> list[str]:
    """EWKB hex of each point (NULL where lon is NaN), without making shapely objects."""
    text = _point_hex(lon, lat)
    missing = np.isnan(lon).tolist()
    return [NULL if missing[i] else EWKB_POINT_4326 + text[32 * i:32 * i + 32]
            for i in range(len(missing))]


def _point_hex(lon: Any, lat: Any) -> str:
    xy = np.empty((len(lon), 2), dtype="<f8")
    xy[:, 0], xy[:, 1] = lon, lat
    return xy.tobytes().hex().upper()


def frame_payload(clean: pl.DataFrame, key: bytes, index: KelurahanIndex, batch_id: int,
                  flag_counts: Counter[str], tracker: DuplicateTracker | None = None,
                  first_id: int | None = None) -> bytes:
    """``copy_payload`` of the clean rows of a frame (``geo.registry.frames``): the same COPY
    text, built column-wise by polars, HMAC included."""
    if not clean.height:
        return b""
    kk_hex = identity.digest_hex_column(clean["no_kk"], key)
    nik_hex = identity.digest_hex_column(clean["nik_kepala"], key)
    if tracker is not None:
        tracker.add(_raw(nik_hex), _raw(kk_hex))
    lon, lat, given = household_frames.coordinates(clean["lat"], clean["lon"])
    declared = household_frames.positions(clean["kode_kelurahan"], index.codes)
    located = index.locate_positions(lon, lat, given, declared)
    count_flags(located.flags, flag_counts)
    tail = pl.Series([FLAG_TEXT[b] + "\t" + str(batch_id) for b in range(len(FLAG_TEXT))])
    points = _text_series(_point_matrix(located.lon, located.lat))
    ids = [] if first_id is None else [
        pl.int_range(first_id, first_id + clean.height, dtype=pl.Int64).cast(pl.String)
        .alias("id")]
    rows = clean.select(
        *ids,
        _escaped(clean, "id_keluarga"),
        _bytea(kk_hex).alias("kk_hash"), _masked_column("no_kk"),
        _bytea(nik_hex).alias("nik_hash"), _masked_column("nik_kepala"),
        _escaped(clean, "nama_kepala"), _escaped(clean, "alamat", nullable=True),
        pl.col("kode_kelurahan").alias("declared"),
        _effective_code(located.spatial, index.codes),
        pl.when(pl.lit(pl.Series(np.isnan(located.lon)))).then(None)
        .otherwise(pl.lit(points)).alias("geom"),
        "jumlah_anggota", "desil", _blank_as_null(pl.col("pengeluaran_per_kapita")),
        "status_verifikasi", _blank_as_null(pl.col("tanggal_verifikasi")),
        pl.lit(tail.gather(located.flags.astype(np.int64))).alias("tail"),
        _effective_code(located.spatial, index.codes).str.slice(0, KABKOTA_LENGTH)
        .alias("kode_kabkota"),
        pl.lit(pl.Series(cells_of(located.lon.tolist(), located.lat.tolist()),
                         dtype=pl.Int64)).alias("h3_cell"),
    )
    buffer = io.BytesIO()
    rows.write_csv(buffer, include_header=False, separator="\t", quote_style="never",
                   null_value=NULL)
    return buffer.getvalue()


def _effective_code(spatial: np.ndarray, codes: np.ndarray) -> pl.Expr:
    """The spatial kelurahan's code where a polygon holds the point, else the declared one."""
    chosen = pl.Series(codes.tolist(), dtype=pl.String).gather(np.maximum(spatial, 0))
    return (pl.when(pl.lit(pl.Series(spatial >= 0))).then(pl.lit(chosen))
            .otherwise(pl.col("kode_kelurahan")).alias("kode"))


def _bytea(hexed: pl.Series) -> pl.Expr:
    return pl.concat_str([pl.lit(BYTEA_PREFIX.tobytes().decode()), pl.lit(hexed)])


def _masked_column(name: str) -> pl.Expr:
    """``identity.mask`` of accepted (16-digit) numbers."""
    cells = pl.col(name)
    return pl.concat_str([cells.str.slice(0, 6), pl.lit(identity.MASK_FILL),
                          cells.str.slice(12, 4)]).alias(f"{name}_mask")


def _raw(hexed: pl.Series) -> bytes:
    return bytes.fromhex(hexed.str.join("").item())


def count_flags(flag_bits: np.ndarray, flag_counts: Counter[str]) -> None:
    for bits, n in enumerate(np.bincount(flag_bits, minlength=len(FLAG_TEXT)).tolist()):
        if n:
            flag_counts.update(dict.fromkeys(flag_names(bits), n))


COPY_SPECIAL = r"[\x00\\\t\n\r]"


def _escaped(frame: pl.DataFrame, name: str, nullable: bool = False) -> pl.Expr:
    """``copy_text`` as an expression; the replacements run only if the column needs them."""
    cells = pl.col(name)
    if frame[name].str.contains(COPY_SPECIAL).any():
        cells = (cells.str.replace_all("\x00", "", literal=True)
                 .str.replace_all("\\", "\\\\", literal=True)
                 .str.replace_all("\t", "\\t", literal=True)
                 .str.replace_all("\n", "\\n", literal=True)
                 .str.replace_all("\r", "\\r", literal=True))
    return _blank_as_null(cells).alias(name) if nullable else cells.alias(name)


def _blank_as_null(cells: pl.Expr) -> pl.Expr:
    return pl.when(cells == "").then(None).otherwise(cells).name.keep()


def _point_matrix(lon: Any, lat: Any) -> np.ndarray:
    """EWKB hex of each point as a byte matrix, a row per point (NaN points: garbage rows)."""
    hexed = np.frombuffer(_point_hex(lon, lat).encode("ascii"), dtype=np.uint8)
    prefix = np.frombuffer(EWKB_POINT_4326.encode("ascii"), dtype=np.uint8)
    return np.hstack([np.broadcast_to(prefix, (len(lon), len(prefix))),
                      hexed.reshape(len(lon), -1)])


def _text_series(matrix: np.ndarray) -> pl.Series:
    """An ASCII byte matrix as a string column, a row per cell, without Python strings."""
    fixed = np.ascontiguousarray(matrix).view(f"S{matrix.shape[1]}").ravel()
    return pl.Series(fixed).cast(pl.String)
