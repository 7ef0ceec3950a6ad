"""The agency check: "is this NIK / No. KK already in the registry, a target, and covered?"

Up to ``MAX_NUMBERS`` numbers per call, matched set-based on the digest indexes (head NIK,
member NIK, No. KK). Only digests reach the database; results show the number masked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from app.clock import today
from app.services.scope import area_scope
from app.sql import statement
from geo import identity
from geo.coverage import check_desil
from geo.errors import InvalidInput

MAX_NUMBERS = 10_000
KINDS = ("auto", "nik", "no_kk")

def _parse(raw: str, kind: str) -> tuple[str | None, str | None]:
    """(cleaned number, problem) for one input."""
    number = identity.clean(raw)
    nik_problem = identity.nik_problem(number)
    kk_problem = identity.kk_problem(number)
    problem = {"nik": nik_problem, "no_kk": kk_problem}.get(kind)
    if kind == "auto":
        problem = nik_problem if nik_problem and kk_problem else None
    return (None, problem) if problem else (number, None)


def check_identities(
    conn: Connection, key: bytes, numbers: list[str], *, kind: str = "auto",
    ref_date: date | None = None, desil_max: int = 4, area_prefixes: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """One result per input number, in input order: found, target, effective kelurahan(s),
    active programs with their agencies on ``ref_date``, and the masked number."""
    if len(numbers) > MAX_NUMBERS:
        raise InvalidInput(
            f"Paling banyak {MAX_NUMBERS:,} nomor per pemeriksaan; dikirim {len(numbers):,}. "
            "Pecah daftar menjadi beberapa bagian.".replace(",", "."),
            {"maksimum": MAX_NUMBERS, "jumlah": len(numbers)})
    if kind not in KINDS:
        raise InvalidInput(f"Jenis nomor '{kind}' tidak dikenal (pilihan: {', '.join(KINDS)}).")
    parsed = [_parse(str(n), kind) for n in numbers]
    valid = [(i, num) for i, (num, _) in enumerate(parsed) if num is not None]
    hashes = identity.digest_many(key, [num for _, num in valid])
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = conn.execute(text(statement("coverage/check_match.sql")), {
        "pos": [i for i, _ in valid], "hashes": hashes, "nik": kind in ("auto", "nik"),
        "kk": kind in ("auto", "no_kk"), "ref": ref_date or today(),
        "desil": check_desil(desil_max), **area_scope(area_prefixes)})
    for r in rows:
        found[r.pos].append(dict(r._mapping))
    return [_result(i, parsed[i], found.get(i, [])) for i in range(len(numbers))]


def _result(i: int, parsed: tuple[str | None, str | None],
            matches: list[dict[str, Any]]) -> dict[str, Any]:
    number, problem = parsed
    programs: dict[str, dict[str, Any]] = {}
    for m in matches:
        progs = m["programs"] if not isinstance(m["programs"], str) else json.loads(m["programs"])
        for p in progs or []:
            programs[p["kode_program"]] = p
    return {
        "nomor": i + 1,
        "identitas": identity.mask(number) if number else None,
        "valid": problem is None, "alasan": problem,
        "ditemukan": bool(matches),
        "sasaran": any(m["sasaran"] for m in matches) if matches else None,
        "cocok_dengan": sorted({m["kunci"] for m in matches}),
        "jumlah_rumah_tangga": len({m["id_keluarga"] for m in matches}),
        "kode_kelurahan": sorted({m["kode_kelurahan"] for m in matches}),
        "nama_kelurahan": sorted({m["nama_kelurahan"] for m in matches if m["nama_kelurahan"]}),
        "program_aktif": [programs[k] for k in sorted(programs)],
    }
