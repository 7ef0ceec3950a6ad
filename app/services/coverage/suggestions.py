"""Probable matches for unmatched enrollment rows: found at import, decided by the officer.

``suggest_for_batch`` runs right after an enrollment import's matching, while the uploaded
numbers are still in memory (the database never holds them in plain text, so suggestions cannot
be computed later). Evidence and scores: ``geo.coverage.linkage``. A pair an officer rejected
(the row's key digest and the household) is never suggested again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process, utils
from sqlalchemy import Connection, text

from app.sql import statement
from geo import identity
from geo.coverage import EnrollmentRow
from geo.coverage.linkage import (
    SAME_HEAD,
    Person,
    Query,
    Suggestion,
    identity_variants,
    rank,
    score_birth,
    score_head,
    score_identity,
    similarity,
)

PROBE_SCHEMA = {"kind": pl.String, "digest": pl.String, "ref": pl.Int64, "reason": pl.String}
# Digests per lookup statement: few enough that the planner looks each one up in the index
# (with tens of thousands in one array it scans the registry instead; EXPLAIN in
# docs/scale.md).
CHUNK = 2_000


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
    # In a fixed order: ``rank`` keeps the first of equal scores for a household, and the rows
    # come back in any order (on Citus, shard by shard).
    evidence.sort(key=lambda e: (e[0], e[1].household_id, -e[2], e[3]))
    return rank(evidence)


def _identity_evidence(conn: Connection, queries: Sequence[Query], key: bytes
                       ) -> list[tuple[int, Person, float, list[str]]]:
    """Near-miss NIK / No. KK (``identity_variants``), hashed natively (polars-hash) and looked
    up as arrays of digests, ``CHUNK`` at a time; each digest found is mapped back here to the
    rows (and reasons) that asked for it. The same statement runs on one node and on Citus (a
    probe table joined to the registry cannot be planned there across kab/kota)."""
    frames = []
    for kind in ("nik", "kk"):
        asking = [q for q in queries if (q.nik if kind == "nik" else q.no_kk)]
        variants = identity_variants([(q.nik or "") if kind == "nik" else (q.no_kk or "")
                                      for q in asking], kind)
        digests = identity.digest_hex_column(pl.Series(variants.numbers, dtype=pl.String), key)
        frames.append(pl.DataFrame({
            "kind": kind, "digest": digests,
            "ref": [asking[i].ref for i in variants.source.tolist()],
            "reason": variants.reasons}, schema=PROBE_SCHEMA))
    probes = pl.concat(frames)
    wanted = {kind: probes.filter(pl.col("kind") == kind)["digest"].unique().sort().to_list()
              for kind in ("nik", "kk")}
    found: list[Any] = []
    for start in range(0, max(map(len, wanted.values())), CHUNK):
        found += conn.execute(text(statement("coverage/suggestion_identity.sql")), {
            kind: _bytea_array(digests[start:start + CHUNK])
            for kind, digests in wanted.items()}).all()
    asked: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    hits = pl.DataFrame({"kind": [r.kind for r in found],
                         "digest": [bytes(r.digest).hex() for r in found]},
                        schema={"kind": pl.String, "digest": pl.String}).unique()
    for kind, digest, ref, reason in probes.join(hits, on=["kind", "digest"]).iter_rows():
        asked[kind, digest].append((ref, reason))
    by_ref = {q.ref: q for q in queries}
    out = []
    for r in found:
        person = Person(r.id, r.kode_kelurahan, r.nama, r.tanggal_lahir, r.head)
        for ref, reason in asked[r.kind, bytes(r.digest).hex()]:
            out.append((ref, person, *score_identity(by_ref[ref], person, reason)))
    return out


def _bytea_array(hex_digests: list[str]) -> str:
    """A bytea[] literal of hex digests, for CAST(:p AS bytea[]): built as one string, since
    psycopg escapes a list of bytes element by element (a second per 100,000 digests)."""
    return "{" + ",".join("\\\\x" + d for d in hex_digests) + "}"


def _name_evidence(conn: Connection, queries: Sequence[Query]
                   ) -> list[tuple[int, Person, float, list[str]]]:
    return _birth_evidence(conn, queries) + _head_evidence(conn, queries)


def _birth_evidence(conn: Connection, queries: Sequence[Query]
                    ) -> list[tuple[int, Person, float, list[str]]]:
    """People born on the row's birth date in its kecamatan, by name (a handful per row)."""
    dated = [q for q in queries if q.nama and q.kecamatan and q.tanggal_lahir]
    if not dated:
        return []
    by_ref = {q.ref: q for q in dated}
    rows = conn.execute(text(statement("coverage/suggestion_births.sql")), {
        "refs": [q.ref for q in dated], "kecamatan": [q.kecamatan for q in dated],
        "born": [q.tanggal_lahir for q in dated]})
    out = []
    for r in rows:
        person = Person(r.id, r.kode_kelurahan, r.nama, r.tanggal_lahir, head=False)
        found = score_birth(person, similarity(by_ref[r.ref].nama, r.nama))
        if found is not None:
            out.append((r.ref, person, *found))
    return out


def _head_evidence(conn: Connection, queries: Sequence[Query]
                   ) -> list[tuple[int, Person, float, list[str]]]:
    """Rows with only a No. KK that nobody has: their name against every head of the KK's
    kecamatan (rapidfuzz ``cdist``: all pairs at once, native code, both cores)."""
    blocks: dict[str, list[Query]] = defaultdict(list)
    for q in queries:
        if q.nama and q.no_kk and not q.nik and q.kecamatan:
            blocks[q.kecamatan].append(q)
    if not blocks:
        return []
    found: list[tuple[Query, Person, float, int]] = []  # row, head, similarity, namesakes
    for kecamatan, ids, kelurahan, names in conn.execute(
            text(statement("coverage/suggestion_heads.sql")),
            {"kecamatan": sorted(blocks), "kabkota": sorted({k[:5] for k in blocks})}):
        block = blocks[kecamatan]
        scores = process.cdist([q.nama for q in block], names, scorer=fuzz.token_sort_ratio,
                               processor=utils.default_process,
                               score_cutoff=int(SAME_HEAD * 100), dtype=np.uint8, workers=-1)
        namesakes = np.count_nonzero(scores, axis=1)
        found += [(block[i], Person(ids[j], kelurahan[j], names[j]), scores[i, j] / 100,
                   int(namesakes[i])) for i, j in zip(*np.nonzero(scores), strict=True)]
    out = []
    for query, head, sim, namesakes in found:
        scored = score_head(sim, namesakes)
        if scored is not None:
            out.append((query.ref, head, *scored))
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
