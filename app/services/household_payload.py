"""Accepted household rows -> COPY text (``household_load.COLUMNS`` order), column-wise.

Identity numbers become HMAC digests and masks here; points become EWKB (EPSG:4326, lon/lat)
built with numpy. Joining whole columns once is several times faster than a csv writer.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from geo import identity
from geo.geocode import FLAG_ORDER, KelurahanIndex, flag_names, parse_coordinates
from geo.households import ValidHouseholds

FLAG_TEXT = ["{" + ",".join(flag_names(bits)) + "}" for bits in range(1 << len(FLAG_ORDER))]
EWKB_POINT_4326 = "0101000020E6100000"  # little endian, Point with SRID, 4326
NULL = "\\N"


class DuplicateTracker:
    """Households sharing a head NIK or No. KK digest within one file (used on a fresh load,
    when the file is the whole registry). Keys are the digests' first 8 bytes as an int."""

    def __init__(self) -> None:
        self.first: dict[tuple[int, int], str] = {}
        self.ids: set[str] = set()

    def add(self, kind: int, digests: list[bytes], ids: list[str]) -> None:
        first, flagged = self.first, self.ids
        for digest, key in zip(digests, ids, strict=True):
            slot = (kind, int.from_bytes(digest[:8], "little"))
            earlier = first.setdefault(slot, key)
            if earlier != key:
                flagged.add(earlier)
                flagged.add(key)

    def flagged(self) -> list[str]:
        return sorted(self.ids)


def copy_payload(valid: ValidHouseholds, key: bytes, index: KelurahanIndex, batch_id: int,
                 flag_counts: Counter[str], tracker: DuplicateTracker | None = None) -> str:
    """The rows as COPY text: hashed, masked, geocoded; flag counts added to ``flag_counts``."""
    if not len(valid):
        return ""
    lon, lat, given = parse_coordinates(valid.lat, valid.lon)
    located = index.locate(lon, lat, given, valid.kode_kelurahan)
    for bits, n in Counter(located.flags.tolist()).items():
        flag_counts.update(dict.fromkeys(flag_names(bits), n))
    kk_digests = identity.digest_many(key, valid.no_kk)
    nik_digests = identity.digest_many(key, valid.nik_kepala)
    if tracker is not None:
        tracker.add(0, nik_digests, valid.id_keluarga)
        tracker.add(1, kk_digests, valid.id_keluarga)
    columns = (
        copy_text(valid.id_keluarga), copy_bytea(kk_digests),
        identity.mask_many(valid.no_kk), copy_bytea(nik_digests),
        identity.mask_many(valid.nik_kepala),
        copy_text(valid.nama_kepala), copy_text(valid.alamat, nullable=True),
        valid.kode_kelurahan, located.kode.tolist(), copy_points(located.lon, located.lat),
        valid.jumlah_anggota, valid.desil, copy_text(valid.pengeluaran_per_kapita, True),
        valid.status_verifikasi, copy_text(valid.tanggal_verifikasi, nullable=True),
        [FLAG_TEXT[b] for b in located.flags.tolist()], [str(batch_id)] * len(valid),
    )
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


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


def copy_bytea(digests: list[bytes]) -> list[str]:
    return ["\\\\x" + d.hex() for d in digests]  # \\x: an escaped backslash, then hex


def copy_points(lon: Any, lat: Any) -> list[str]:
    """EWKB hex of each point (NULL where lon is NaN), without making shapely objects."""
    xy = np.empty((len(lon), 2), dtype="<f8")
    xy[:, 0], xy[:, 1] = lon, lat
    text = xy.tobytes().hex().upper()
    missing = np.isnan(lon).tolist()
    return [NULL if missing[i] else EWKB_POINT_4326 + text[32 * i:32 * i + 32]
            for i in range(len(missing))]
