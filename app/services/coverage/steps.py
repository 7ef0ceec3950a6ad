"""Coverage steps (``app/sql/coverage/steps_refresh.sql``, ``key_steps_refresh.sql``): the
segments summed per group (kelurahan, desil, verified) as step functions of the date, once for
all programs and once per filter key (one program, one agency), one row per group holding its
change dates and counters as arrays, and the groups' household counts
(``groups_refresh.sql``). Area figures on any date, with or without a program or agency
filter, read each group's row once (the step of the date by binary search, ``width_bucket``)
and sum the targets over groups; kelurahan marked stale by a
registry change are counted from the registry and the segments until ``refresh_steps`` runs
(at every enrollment import, or ``sasaran coverage refresh``). The stale mark ``*`` stands for
every kelurahan (a registry loaded or emptied whole). The same refresh rewrites the kelurahan's
stored FGT sums (``poverty_sums``)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from app.db.citus import KABKOTA_LENGTH
from app.services.coverage import statistics
from app.services.coverage.poverty_sums import refresh_poverty
from app.services.scope import within
from app.sql import script, statement
from geo.coverage.stepfunctions import InconsistentSteps, add_changes

LOG = logging.getLogger(__name__)

EVERY_KELURAHAN = "*"
# What a refresh rewrites per kelurahan (the combination steps: per kab/kota); coverage_stale
# only holds marks (a handful of rows, emptied by it).
_BY_KELURAHAN = ("coverage_step", "coverage_group", "coverage_key_step")
_REWRITTEN = (*_BY_KELURAHAN, "coverage_combination_step")
_TABLES = (*_BY_KELURAHAN, "coverage_stale")

# (kab/kota, desil, verified, programs held) -> {date: households added from that date on}
CombinationChanges = dict[tuple[str, int, bool, tuple[int, ...]], dict[date, int]]


def refresh_steps(conn: Connection, codes: Sequence[str] | None = None,
                  changes: CombinationChanges | None = None, merge: bool = False) -> int:
    """Rebuild the steps and groups of the kelurahan ``codes`` (all when None or when they
    hold the ``*`` mark), clearing their stale marks; returns the number of step rows
    written. The combination steps are per kab/kota: given the ``changes`` the rebuilt
    segments made (``combination_changes``), they are updated by them, except in a kab/kota
    with a stale mark (a registry change the changes do not hold), which is recounted.

    ``merge``: the caller recorded the segments' changes in ``step_change``
    (``record_step_changes``); the steps of ``codes`` then take those changes
    (``merge_step_changes``) and only the stale kelurahan among them, whose registry changed,
    are recounted with their groups and FGT sums. An enrollment import touching 10,000
    households spread over a province of 10 M no longer recounts every segment of it."""
    everything = codes is None or EVERY_KELURAHAN in codes
    wanted = set() if everything else set(codes or [])
    stale = {code for code in stale_codes(conn) if code in wanted}
    marked = {code[:KABKOTA_LENGTH] for code in stale}
    written, recount = 0, wanted
    if merge and not everything:
        written, failed = merge_step_changes(conn, stale)
        recount = stale | failed
    written += recount_steps(conn, None if everything else sorted(recount))
    if everything:
        refresh_combinations(conn, None)
    elif changes is None:
        refresh_combinations(conn, sorted({code[:KABKOTA_LENGTH] for code in wanted}))
    else:
        kabs = marked | apply_combination_changes(conn, {
            group: days for group, days in changes.items() if group[0] not in marked})
        if kabs:
            refresh_combinations(conn, sorted(kabs))
    statistics.analyze_if_rewritten(conn, _REWRITTEN, written, everything)
    refresh_poverty(conn, None if everything else sorted(recount))
    return written


def recount_steps(conn: Connection, codes: Sequence[str] | None) -> int:
    """Count the steps, key steps and groups of the kelurahan ``codes`` (all when None) afresh
    from their segments and households, clearing their stale marks; returns the step rows
    written."""
    everything = codes is None
    chosen = list(codes or [])
    if not everything and not chosen:
        return 0
    # The kab/kota of the codes as well: on Citus it limits each statement to their shards.
    kabs = sorted({code[:KABKOTA_LENGTH] for code in chosen})
    params = {"all": everything, "codes": chosen, "kabs": kabs}
    where = "TRUE" if everything else ("kode_kabkota = ANY(CAST(:kabs AS text[])) "
                                       "AND kode_kelurahan = ANY(CAST(:codes AS text[]))")
    for table in _TABLES:
        conn.execute(text(f"DELETE FROM {table} WHERE {where}"), params)
    written = int(conn.execute(text(statement("coverage/steps_refresh.sql")), params).rowcount or 0)
    conn.execute(text(statement("coverage/groups_refresh.sql")), params)
    conn.execute(text(statement("coverage/key_steps_refresh.sql")), params)
    return written


def record_step_changes(conn: Connection, household_ids: Sequence[int], sign: int) -> None:
    """Add to ``step_change`` what the current segments of ``household_ids`` count in the
    steps and key steps, times ``sign`` (-1 before they are deleted, +1 once rebuilt); the
    first call of a rebuild (``sign`` -1) creates or empties it."""
    if sign < 0:
        for sql in script("coverage/step_change_create.sql"):
            conn.execute(text(sql))
    conn.execute(text(statement("coverage/step_changes.sql")),
                 {"ids": list(household_ids), "sign": sign})


def merge_step_changes(conn: Connection, skip: set[str]) -> tuple[int, set[str]]:
    """Fold ``step_change`` into the stored steps and key steps of the groups it touches,
    except in the kelurahan ``skip`` (recounted by the caller); returns the step rows written
    and the kelurahan whose stored steps did not take the changes (a step no count of
    segments can give: not what the changes were computed against), left for a recount."""
    kabs = sorted(conn.execute(text("SELECT DISTINCT kode_kabkota FROM step_change")).scalars())
    if not kabs:
        return 0, set()
    for sql in script("coverage/steps_merge_fold.sql"):
        conn.execute(text(sql), {"kabs": kabs})
    failed = set(conn.execute(text(
        "SELECT DISTINCT kode_kelurahan FROM step_merged WHERE inconsistent")).scalars()) - skip
    for code in sorted(failed):
        LOG.warning("Langkah cakupan %s tidak cocok dengan perubahannya; dihitung ulang", code)
    params = {"kabs": kabs, "skip": sorted(skip | failed)}
    written = int(conn.execute(text(
        "SELECT count(*) FROM step_merged WHERE kunci = '' "
        "AND kode_kelurahan <> ALL (CAST(:skip AS text[]))"), params).scalar_one())
    for sql in script("coverage/steps_merge_write.sql"):
        conn.execute(text(sql), params)
    return written, failed


def combination_changes(conn: Connection, household_ids: Sequence[int], sign: int,
                        into: CombinationChanges) -> None:
    """Add to ``into`` what the current segments of ``household_ids`` count in the
    combination steps, times ``sign`` (-1 before they are deleted, +1 once rebuilt)."""
    for r in conn.execute(text(statement("coverage/combination_changes.sql")),
                          {"ids": list(household_ids), "sign": sign}):
        days = into.setdefault((r.kode_kabkota, r.desil, r.terverifikasi,
                                tuple(r.program_ids)), defaultdict(int))
        days[r.changed_on] += r.d


def apply_combination_changes(conn: Connection, changes: CombinationChanges) -> set[str]:
    """Add ``changes`` to the stored combination steps, group by group; returns the kab/kota
    whose steps did not take them (a count below zero: not what the changes were computed
    against), which the caller recounts."""
    changed = {group: days for group, days in changes.items() if any(days.values())}
    if not changed:
        return set()
    # The kab/kota's rows (a few thousand), matched here: a statement selecting groups by
    # their program arrays would need a function of the columns, which Citus refuses in a
    # DELETE; the writes below name each group by its columns.
    stored = {(r.kode_kabkota, r.desil, r.terverifikasi, tuple(r.program_ids)):
              (r.berlaku, r.households) for r in conn.execute(text(
                  "SELECT kode_kabkota, desil, terverifikasi, program_ids, berlaku, households "
                  "FROM coverage_combination_step "
                  "WHERE kode_kabkota = ANY (CAST(:kabs AS text[]))"),
                  {"kabs": sorted({group[0] for group in changed})})
              if (r.kode_kabkota, r.desil, r.terverifikasi, tuple(r.program_ids)) in changed}
    rows, failed = [], set()
    for group, days in changed.items():
        try:
            dates, values = add_changes(*stored.get(group, ([], [])), days)
        except InconsistentSteps:
            failed.add(group[0])
            continue
        rows.append({"kab": group[0], "desil": group[1], "verified": group[2],
                     "programs": list(group[3]), "dates": dates, "values": values})
    for kab in sorted(failed):
        LOG.warning("Langkah kombinasi %s tidak cocok dengan perubahannya; dihitung ulang", kab)
    rows = [row for row in rows if row["kab"] not in failed]
    if rows:
        conn.execute(text(
            "DELETE FROM coverage_combination_step WHERE kode_kabkota = :kab AND desil = :desil "
            "AND terverifikasi = :verified AND program_ids = CAST(:programs AS int[])"), rows)
        kept = [row for row in rows if row["dates"]]  # a group counting nobody any more goes
        if kept:
            conn.execute(text(
                "INSERT INTO coverage_combination_step (kode_kabkota, desil, terverifikasi, "
                "program_ids, berlaku, households) VALUES (:kab, :desil, :verified, "
                "CAST(:programs AS int[]), CAST(:dates AS date[]), CAST(:values AS int[]))"),
                kept)
    return failed


def refresh_combinations(conn: Connection, kabs: Sequence[str] | None) -> None:
    """Rebuild the program-combination steps of the kab/kota ``kabs`` (all when None) from
    their segments, which are always current: a whole kab/kota at a time, since its rows mix
    all its kelurahan (``combination_steps_refresh.sql``)."""
    params = {"all": kabs is None, "kabs": list(kabs or [])}
    conn.execute(text("DELETE FROM coverage_combination_step WHERE CAST(:all AS boolean) "
                      "OR kode_kabkota = ANY (CAST(:kabs AS text[]))"), params)
    conn.execute(text(statement("coverage/combination_steps_refresh.sql")), params)


def combinations_usable(stale: list[str], areas: list[str] | None) -> bool:
    """Whether the combination steps answer a scope: whole kab/kota or wider (``areas``
    None: everywhere), with no kelurahan of it waiting for a refresh."""
    if areas is not None and any(len(area) > KABKOTA_LENGTH for area in areas):
        return False
    if EVERY_KELURAHAN in stale:
        return False
    return not any(areas is None or any(within(code, area) for area in areas)
                   for code in stale)


def stale_codes(conn: Connection) -> list[str]:
    return list(conn.execute(text("SELECT kode_kelurahan FROM coverage_stale")).scalars())


def refresh_stale(conn: Connection, poverty_line: float | None = None) -> int:
    """Refresh only the kelurahan a registry change marked stale (and the stored FGT sums of
    those marked for them alone; of every kelurahan when ``poverty_line`` is not the line
    stored)."""
    codes = stale_codes(conn)
    written = refresh_steps(conn, codes) if codes else 0
    refresh_poverty(conn, [], poverty_line)
    return written


def area_targets(conn: Connection, params: dict[str, Any],
                 stale: list[str]) -> dict[str, int]:
    """Target households per area (``params``: code_length, desil and the area scope): summed
    over the groups, with stale kelurahan counted from the registry."""
    live = text(statement("coverage/targets_by_area.sql"))
    if EVERY_KELURAHAN in stale:
        return {r.kode: int(r.targets) for r in conn.execute(live, {**params, "only": None})}
    out = {r.kode: int(r.targets) for r in conn.execute(
        text(statement("coverage/targets_by_group.sql")), {**params, "stale": stale})}
    if stale:
        for r in conn.execute(live, {**params, "only": stale}):
            out[r.kode] = out.get(r.kode, 0) + int(r.targets)
    return out


def enrolled_by_area(conn: Connection, params: dict[str, Any], key: str | None,
                     stale: list[str]) -> dict[str, dict[str, Any]]:
    """Enrollment figures per area: from the steps of ``key`` (None: all programs), one row
    per group, with stale kelurahan read from the segments (both exact)."""
    segments = text(statement("coverage/segments_by_area.sql"))
    if params["pids"] is not None and not params["pids"]:
        return {}  # a filter that selects no program covers nobody
    if EVERY_KELURAHAN in stale:
        return {r.kode: dict(r._mapping) for r in conn.execute(segments, {**params, "only": None})}
    steps = text(statement("coverage/key_steps_by_area.sql" if key
                           else "coverage/steps_by_area.sql"))
    rows = [dict(r._mapping) for r in conn.execute(steps, {**params, "stale": stale,
                                                           "kunci": key})]
    if stale:
        rows += [dict(r._mapping) for r in conn.execute(segments, {**params, "only": stale})]
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        into = out.setdefault(row["kode"], dict.fromkeys(row, 0))
        for name, value in row.items():
            into[name] = row["kode"] if name == "kode" else into[name] + int(value)
    return out
