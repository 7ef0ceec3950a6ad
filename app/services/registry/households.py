"""End-to-end household registry import: parse -> validate -> hash -> geocode -> COPY -> upsert.

The file is streamed in chunks (50,000 rows by default: the first chunk's preparation and the
last chunk's load are not overlapped, so smaller chunks waste less). While Python prepares
chunk n+1, a worker thread loads chunk n (``app.services.registry.load``), so both cores
work. Possible duplicates (same head NIK or No. KK digest in different households) are
flagged at the end: set-based in SQL around the digests the import touched (its rows' and the
former digests of the households it changed), or, on a fresh load into an empty registry,
from the digests counted while streaming. NIK and No. KK reach the database only as HMAC
digests and masks.
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection

from app.db.citus import is_citus
from app.services.io import batches
from app.services.io.profiles import crosswalk_for, profile_parameter
from app.services.registry import load
from app.services.registry.geocoding import kelurahan_index
from app.services.registry.members import MemberImportResult, import_members
from app.services.registry.outside import Area, Origin
from app.services.registry.payload import DuplicateTracker, copy_payload, frame_payload
from app.services.registry.side import SideLoad, drop_stale
from app.services.scope import area_scope
from geo.errors import ImportRejected
from geo.io import (
    XLSX_SUFFIXES,
    Chunk,
    ColumnProfile,
    Frame,
    Rejection,
    RowWarning,
    Table,
    file_sha256,
    open_table,
)
from geo.registry import (
    FLAG_ORDER,
    HOUSEHOLD_SPEC,
    KelurahanIndex,
    SeenIds,
    split_frame,
    validate_households,
)

JENIS = "rumah_tangga"
DUPLICATE = "possible_duplicate"
PREVIEW = 20
BULK_MIN_ROWS = 100_000
log = logging.getLogger("sasaran.import")


@dataclass
class ImportResult:
    batch_id: int
    file: str
    total: int = 0
    accepted: int = 0
    rejected: int = 0
    inserted: int = 0
    updated: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    first_rejections: list[Rejection] = field(default_factory=list)
    warned: int = 0  # accepted rows with an optional value dropped
    first_warnings: list[RowWarning] = field(default_factory=list)
    members: MemberImportResult | None = None

    def summary(self) -> dict[str, Any]:
        return {"baru": self.inserted, "diperbarui": self.updated, "flag": self.flags,
                "peringatan": self.warned}

    def add(self, total: int, accepted: int, rejections: list[Rejection],
            warnings: list[RowWarning]) -> None:
        self.total += total
        self.accepted += accepted
        self.rejected += len(rejections)
        self.warned += len(warnings)
        room = max(PREVIEW - len(self.first_rejections), 0)
        self.first_rejections.extend(rejections[:room])
        self.first_warnings.extend(warnings[:max(PREVIEW - len(self.first_warnings), 0)])


def import_households(
    conn: Connection, path: str | Path, *, key: bytes, user: str, name: str | None = None,
    column_map: dict[str, str] | None = None, sheet: str | None = None,
    members_path: str | Path | None = None, members_name: str | None = None,
    chunk_size: int = 50_000, progress: Callable[[int], None] | None = None,
    bulk: bool | None = None, profile: ColumnProfile | None = None,
    members_profile: ColumnProfile | None = None, area_prefixes: tuple[str, ...] = (),
) -> ImportResult:
    """Import a household file (and optionally its members file) in the caller's transaction.

    ``progress`` is called with the number of rows just processed, chunk by chunk. ``bulk``
    (default: when the file is estimated at >= 100,000 rows and at least the registry's size)
    rebuilds the secondary indexes once at the end instead of updating them row by row.
    ``profile`` maps an agency's layout onto ours (``geo.io.profiles``), before the row rules.

    An uploader bound to ``area_prefixes`` writes only there: a row whose effective kelurahan
    lies outside, or whose id_keluarga belongs to a household outside, is refused with one
    reason (``OUTSIDE_AREA``) and counted as refused, never as new or updated. Such an import
    always takes the upsert path, where the staged chunk is checked in SQL."""
    index = kelurahan_index(conn)
    if not len(index.codes):
        raise ImportRejected(
            "Belum ada batas kelurahan yang dimuat: muat batas wilayah dulu (sasaran "
            "load-wilayah), karena kode_kelurahan setiap baris diperiksa terhadapnya."
        )
    with open_table(path, HOUSEHOLD_SPEC, column_map, sheet, name, kind=JENIS, profile=profile,
                    crosswalk=crosswalk_for(conn, profile)) as table, _runtime_tuned():
        batch_id = batches.start_batch(conn, JENIS, table.name, file_sha256(path), user,
                                       {"kolom": column_map or {}, "lembar": sheet,
                                        **profile_parameter(profile)})
        result = ImportResult(batch_id, table.name)
        if area_prefixes:
            bulk = False
        if bulk is None:
            # At least the registry's size: counted no further than the file's estimate.
            estimate = _estimated_rows(Path(path), table.name)
            bulk = estimate >= BULK_MIN_ROWS and \
                estimate >= load.household_count(conn, at_most=estimate + 1)
        fresh = bulk and load.household_count(conn, at_most=1) == 0  # no row can conflict
        # Citus routes a plain COPY to the shards; the side-table swap is single-node only.
        side = SideLoad.begin(conn, batch_id) if fresh and not is_citus(conn) else None
        try:
            _load(conn, table, result, key, index, (bulk, fresh, side, area_prefixes),
                  chunk_size, progress, profile.date_order if profile else "dmy")
        except BaseException:
            if side is not None:
                side.abandon()
            raise
    if members_path is not None:
        result.members = import_members(conn, members_path, key=key, user=user,
                                        name=members_name, households_batch=batch_id,
                                        profile=members_profile,
                                        area_prefixes=area_prefixes)
    return result


def _load(conn: Connection, table: Table, result: ImportResult, key: bytes,
          index: KelurahanIndex, how: tuple[bool, bool, SideLoad | None, tuple[str, ...]],
          chunk_size: int, progress: Callable[[int], None] | None, date_order: str) -> None:
    """Stream the file into ``household``: into the side table on a first load, by COPY
    straight into the empty table, or through the staging table's upsert (``how``: bulk,
    fresh, side table, the uploader's area)."""
    bulk, fresh, side, area_prefixes = how
    patterns = cast(list[str], area_scope(area_prefixes)["area_patterns"]) if area_prefixes \
        else None
    rebuild = load.drop_secondary_indexes(conn) if bulk and side is None else []
    if side is None:
        drop_stale(conn)  # after the bulk path's exclusive lock: no lock upgrade to wait on
    if not fresh:
        load.prepare_staging(conn)
    tracker = DuplicateTracker() if fresh else None
    counts: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=1) as loader:
        pending: Future[tuple[int, int, list[Rejection]]] | None = None
        rows = Preparer(key, index, result.batch_id, counts, tracker,
                        next_id=load.reserve_ids(conn) if fresh else None,
                        date_order=date_order, keep_origin=patterns is not None)
        for batch in table.batches(chunk_size):
            started = time.perf_counter()
            total, accepted, payload, rejections, warnings = rows.prepare(batch)
            prepared = time.perf_counter()
            if pending is not None:
                _add_counts(result, pending.result())
            log.debug("chunk prepared in %.2f s, then waited %.2f s for the loader",
                      prepared - started, time.perf_counter() - prepared)
            area = None if patterns is None else Area(patterns, rows.origin)
            pending = loader.submit(_load_chunk, conn, result.batch_id, payload, rejections,
                                    warnings, (fresh, side, area, not bulk))
            result.add(total, accepted, rejections, warnings)
            if progress:
                progress(total)
        if pending is not None:
            _add_counts(result, pending.result())
    if rows.next_id is not None:
        load.claim_ids(conn, rows.next_id)
    _finish(conn, result, (rebuild, side, tracker, bulk), counts)


def _finish(conn: Connection, result: ImportResult,
            how: tuple[list[str], SideLoad | None, DuplicateTracker | None, bool],
            counts: Counter[str]) -> None:
    """Rebuild what a bulk load dropped, flag possible duplicates, close the batch (``how``:
    the index statements, the side table, a fresh load's digest tracker, bulk)."""
    rebuild, side, tracker, bulk = how
    started = time.perf_counter()
    if side is not None:
        side.swap_in(conn)
    if rebuild:
        load.rebuild_indexes(conn, rebuild)
    indexed = time.perf_counter()
    if tracker is not None:  # a fresh load: every household is this batch's
        duplicates = load.flag_shared_digests(conn, *tracker.shared(), DUPLICATE)
    else:  # around the digests the upserts touched; everywhere after a bulk upsert
        duplicates = load.flag_possible_duplicates(conn, result.batch_id, everywhere=bulk)
    log.debug("indexes %.2f s, possible duplicates %.2f s", indexed - started,
              time.perf_counter() - indexed)
    result.flags = {name: counts[name] for name in FLAG_ORDER if counts[name]}
    result.flags[DUPLICATE] = duplicates
    batches.finish_batch(conn, result.batch_id, total=result.total, accepted=result.accepted,
                         rejected=result.rejected, summary=result.summary())


@dataclass
class Preparer:
    """Turns each batch of the file into (rows, accepted, COPY payload, rejections): a polars
    frame's surely-valid rows column-wise, every other row by the exact row rules."""

    key: bytes
    index: KelurahanIndex
    batch_id: int
    flag_counts: Counter[str]
    tracker: DuplicateTracker | None
    next_id: int | None = None  # a fresh load numbers its rows (load.reserve_ids)
    seen: SeenIds = field(default_factory=SeenIds)  # id_keluarga met so far
    date_order: str = "dmy"  # how D/M dates read (geo.io.dates; the profile's date format)
    keep_origin: bool = False  # an area-bound import: where each accepted row came from
    origin: dict[str, Origin] = field(default_factory=dict)

    def prepare(self, batch: Chunk | Frame
                ) -> tuple[int, int, bytes, list[Rejection], list[RowWarning]]:
        known = self.index.position
        total, accepted, payload = 0, 0, b""
        self.origin = {}
        if isinstance(batch, Frame):
            clean, slow = split_frame(batch, known.keys(), self.seen)
            if self.keep_origin:
                self.origin.update((key, (number, batch, number - batch.first))
                                   for key, number in clean.select("id_keluarga", "number")
                                   .iter_rows())
            payload = frame_payload(clean, self.key, self.index, self.batch_id,
                                    self.flag_counts, self.tracker, self._ids(clean.height))
            total = accepted = clean.height
            if slow is None:
                return total, accepted, payload, [], []
            batch = slow
        valid, rejections = validate_households(batch, known.keys(), self.seen.exact_for(batch),
                                                self.date_order)
        if self.keep_origin:
            at = {number: i for i, number in enumerate(batch.numbers)}
            self.origin.update((key, (number, batch, at[number]))
                               for key, number in zip(valid.id_keluarga, valid.numbers,
                                                      strict=True))
        payload += copy_payload(valid, self.key, self.index, self.batch_id, self.flag_counts,
                                self.tracker, self._ids(len(valid))).encode()
        return total + len(batch), accepted + len(valid), payload, rejections, valid.warnings

    def _ids(self, rows: int) -> int | None:
        """The first of ``rows`` ids for the next rows, or None when the server numbers them."""
        first = self.next_id
        if first is not None:
            self.next_id = first + rows
        return first


def _load_chunk(conn: Connection, batch_id: int, payload: bytes, rejections: list[Rejection],
                warnings: list[RowWarning],
                how: tuple[bool, SideLoad | None, Area | None, bool],
                ) -> tuple[int, int, list[Rejection]]:
    """Store the chunk's rejections and warnings and load its rows; returns (inserted,
    updated, rows refused for lying outside the uploader's area). ``how``: fresh, the side
    table, the uploader's area, whether to record the digests the upsert touches."""
    fresh, side, area, touched = how
    started = time.perf_counter()
    batches.store_rejections(conn, batch_id, rejections)
    batches.store_warnings(conn, batch_id, warnings)
    if side is not None:
        rows = side.copy(payload)
        log.debug("chunk: COPY into %s %.2f s", side.table, time.perf_counter() - started)
        return rows, 0, []
    if fresh:
        load.copy_rows(conn, "household", payload, with_id=True)
        log.debug("chunk: COPY into household %.2f s", time.perf_counter() - started)
        return payload.count(b"\n"), 0, []
    load.copy_rows(conn, "household_staging", payload)
    refused = area.refuse(load.remove_outside(conn, area.patterns)) if area else []
    batches.store_rejections(conn, batch_id, refused)
    copied = time.perf_counter()
    inserted, updated = load.upsert_staging(conn, record_touched=touched)
    log.debug("chunk: COPY %.2f s, upsert %.2f s", copied - started, time.perf_counter() - copied)
    return inserted, updated, refused


def _add_counts(result: ImportResult, counts: tuple[int, int, list[Rejection]]) -> None:
    inserted, updated, refused = counts
    result.inserted += inserted
    result.updated += updated
    if refused:
        result.accepted -= len(refused)
        result.rejected += len(refused)
        room = max(PREVIEW - len(result.first_rejections), 0)
        result.first_rejections.extend(refused[:room])


def _estimated_rows(path: Path, name: str) -> int:
    """Rows a file probably holds, from its size (CSV rows ~120 bytes; XLSX compresses)."""
    per_row = 40 if name.lower().endswith(XLSX_SUFFIXES) else 120
    return path.stat().st_size // per_row


@contextmanager
def _runtime_tuned() -> Iterator[None]:
    """Two measured CPython costs of a big streaming import, switched off for its duration:
    - the cyclic GC runs over and over on millions of short-lived lists (half the parse
      time); the import creates no cycles;
    - the loader thread sends COPY data in 128 KB slices and waits for the GIL after each,
      up to the 5 ms switch interval: a 0.75 s COPY took 2 s next to the parsing thread."""
    enabled, interval = gc.isenabled(), sys.getswitchinterval()
    gc.disable()
    sys.setswitchinterval(0.0002)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        if enabled:
            gc.enable()
