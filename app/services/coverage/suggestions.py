"""Probable matches for unmatched enrollment rows: found at import, decided by the officer.

``suggest_for_batch`` runs right after an enrollment import's matching, while the uploaded
numbers are still in memory (the database never holds them in plain text, so suggestions cannot
be computed later). Evidence and scores: ``geo.coverage.linkage``. A pair an officer rejected
(the row's key digest and the household) is never suggested again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process, utils
from sqlalchemy import Connection, text

from geo import identity
from geo.coverage import EnrollmentRow
from geo.coverage.linkage import (
    SAME_NAME,
    Person,
    Query,
    Suggestion,
    identity_variants,
    rank,
    score_identity,
    score_name,
)

PROBE = ("CREATE TEMP TABLE suggestion_probe (digest bytea, ref bigint, reason text) "
         "ON COMMIT DROP")
IDENTITY_HITS = """
SELECT p.ref, p.reason, h.id, h.kode_kelurahan, h.nama_kepala AS nama,
       CAST(NULL AS date) AS tanggal_lahir, true AS head
FROM suggestion_probe p JOIN household h ON h.nik_kepala_hash = p.digest
WHERE p.reason LIKE 'nik%'
UNION ALL
SELECT p.ref, p.reason, h.id, h.kode_kelurahan, h.nama_kepala, NULL, true
FROM suggestion_probe p JOIN household h ON h.no_kk_hash = p.digest WHERE p.reason LIKE 'kk%'
UNION ALL
SELECT p.ref, p.reason, h.id, h.kode_kelurahan, m.nama, m.tanggal_lahir, false
FROM suggestion_probe p JOIN member m ON m.nik_hash = p.digest
JOIN household h ON h.id = m.household_id WHERE p.reason LIKE 'nik%'
"""
BLOCK_PEOPLE = """
SELECT h.id, h.kode_kelurahan, h.nama_kepala AS nama, CAST(NULL AS date) AS tanggal_lahir,
       true AS head
FROM household h WHERE left(h.kode_kelurahan, 8) = ANY (CAST(:kec AS text[]))
UNION ALL
SELECT h.id, h.kode_kelurahan, m.nama, m.tanggal_lahir, false
FROM member m JOIN household h ON h.id = m.household_id
WHERE left(h.kode_kelurahan, 8) = ANY (CAST(:kec AS text[]))
"""


def suggest_for_batch(conn: Connection, batch_id: int, rows: Sequence[EnrollmentRow],
                      key: bytes) -> int:
    """Suggestions for the rows of ``batch_id`` left unmatched; returns how many were stored."""
    by_number = {r.number: r for r in rows}
    unmatched = conn.execute(text(
        "SELECT id, nomor_baris, kunci_hash FROM enrollment WHERE batch_id = :b "
        "AND status = 'unmatched'"), {"b": batch_id}).all()
    queries, keys = [], {}
    for e in unmatched:
        row = by_number.get(e.nomor_baris)
        if row is not None and (row.nik or row.no_kk):
            queries.append(Query(e.id, row.nik, row.no_kk, row.nama, row.tanggal_lahir))
            keys[e.id] = e.kunci_hash
    if not queries:
        return 0
    ranked = suggest(conn, queries, key, keys)
    return store(conn, ranked)


def suggest(conn: Connection, queries: Sequence[Query], key: bytes,
            keys: dict[int, bytes] | None = None) -> dict[int, list[Suggestion]]:
    """Each query's best households (``keys``: the row's key digest, for rejected pairs)."""
    evidence = list(_identity_evidence(conn, queries, key))
    evidence += _name_evidence(conn, queries)
    if keys:
        refused = _rejected_pairs(conn, keys)
        evidence = [e for e in evidence if (keys.get(e[0]), e[1].household_id) not in refused]
    return rank(evidence)


def _identity_evidence(conn: Connection, queries: Sequence[Query], key: bytes
                       ) -> Iterable[tuple[int, Person, float, list[str]]]:
    probes: list[tuple[str, int, str]] = []
    for q in queries:
        for number, kind in ((q.nik, "nik"), (q.no_kk, "kk")):
            if number:
                probes += [(v, q.ref, why) for v, why in identity_variants(number, kind).items()]
    if not probes:
        return
    digests = identity.digest_many(key, [p[0] for p in probes])
    conn.execute(text("DROP TABLE IF EXISTS suggestion_probe"))
    conn.execute(text(PROBE))
    dbapi = conn.connection.driver_connection
    with dbapi.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
        "COPY suggestion_probe (digest, ref, reason) FROM STDIN"
    ) as copy:
        for digest, (_, ref, reason) in zip(digests, probes, strict=True):
            copy.write_row((digest, ref, reason))
    by_ref = {q.ref: q for q in queries}
    for r in conn.execute(text(IDENTITY_HITS)):
        person = Person(r.id, r.kode_kelurahan, r.nama, r.tanggal_lahir, r.head)
        yield (r.ref, person, *score_identity(by_ref[r.ref], person, r.reason))
    conn.execute(text("DROP TABLE suggestion_probe"))


def _name_evidence(conn: Connection, queries: Sequence[Query]
                   ) -> list[tuple[int, Person, float, list[str]]]:
    """Names compared within each kecamatan (rapidfuzz ``cdist``: all pairs, native, both
    cores), candidates over the lower of the two name thresholds kept."""
    blocks: dict[str, list[Query]] = defaultdict(list)
    for q in queries:
        if q.nama and q.kecamatan:
            blocks[q.kecamatan].append(q)
    if not blocks:
        return []
    people: dict[str, list[Person]] = defaultdict(list)
    for r in conn.execute(text(BLOCK_PEOPLE), {"kec": sorted(blocks)}):
        people[r.kode_kelurahan[:8]].append(
            Person(r.id, r.kode_kelurahan, r.nama, r.tanggal_lahir, r.head))
    out = []
    for kecamatan, block in blocks.items():
        candidates = people.get(kecamatan, [])
        if not candidates:
            continue
        scores = process.cdist([q.nama for q in block], [p.nama for p in candidates],
                               scorer=fuzz.token_sort_ratio, processor=utils.default_process,
                               score_cutoff=int(SAME_NAME * 100), dtype=np.uint8, workers=-1)
        for i, j in zip(*np.nonzero(scores), strict=True):
            found = score_name(block[i], candidates[j], scores[i, j] / 100)
            if found is not None:
                out.append((block[i].ref, candidates[j], *found))
    return out


def _rejected_pairs(conn: Connection, keys: dict[int, bytes]) -> set[tuple[bytes, int]]:
    rows = conn.execute(text(
        "SELECT kunci_hash, household_id FROM match_rejection "
        "WHERE kunci_hash = ANY (CAST(:k AS bytea[]))"), {"k": list(set(keys.values()))})
    return {(bytes(r.kunci_hash), r.household_id) for r in rows}


def store(conn: Connection, ranked: dict[int, list[Suggestion]]) -> int:
    """Replace the undecided suggestions of these enrollment rows with ``ranked``."""
    if not ranked:
        return 0
    conn.execute(text("DELETE FROM match_suggestion WHERE status = 'baru' "
                      "AND enrollment_id = ANY (:ids)"), {"ids": list(ranked)})
    rows: list[dict[str, Any]] = [
        {"e": ref, "h": s.household_id, "k": s.kode_kelurahan, "p": rank_no, "s": s.score,
         "a": json.dumps(s.explained(), ensure_ascii=False)}
        for ref, suggestions in ranked.items()
        for rank_no, s in enumerate(suggestions, start=1)]
    conn.execute(text(
        "INSERT INTO match_suggestion (enrollment_id, household_id, kode_kelurahan, peringkat, "
        "skor, alasan) VALUES (:e, :h, :k, :p, :s, CAST(:a AS jsonb))"), rows)
    return len(rows)
