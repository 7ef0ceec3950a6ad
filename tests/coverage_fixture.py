"""A small registry with programs and enrollments for the coverage tests, plus the plain-Python
reference rules (domain.md) the tests compute their expected figures with.

Households are inserted directly with HMAC digests (as the household import would store them);
enrollments go through the real enrollment import from a CSV written here.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Connection, text

from geo import identity

KEY = b"coverage-test-key"
KELURAHAN = ("64.74.01.1001", "64.74.01.1002", "64.74.02.1001", "64.71.01.1001")
STATUSES = ("terverifikasi", "terverifikasi", "terverifikasi", "belum", "ditolak")
# kode_program, agency, service area, desil_maks
PROGRAMS = (
    ("PKH", "DINSOS", (), 4),
    ("BPNT", "DINSOS", (), None),
    ("PBI", "DINKES", (), None),
    ("RTLH", "DISPERKIM", ("64.74.01.1001", "64.74.01.1002"), 2),
    ("ZAKAT", "BAZNAS", (), None),
)
AGENCIES = {"DINSOS": "Dinas Sosial", "DINKES": "Dinas Kesehatan",
            "DISPERKIM": "Dinas Perumahan dan Permukiman", "BAZNAS": "BAZNAS"}


@dataclass
class H:
    id_keluarga: str
    kel: str
    desil: int
    status: str
    size: int
    spend: float | None
    nik_kepala: str
    no_kk: str
    members: list[str] = field(default_factory=list)
    db_id: int = 0


@dataclass
class E:
    program: str
    id_keluarga: str = ""
    no_kk: str = ""
    nik: str = ""
    start: date = date(2024, 1, 1)
    end: date | None = None


def nik_for(rng: random.Random, kel: str, serial: int) -> str:
    digits = kel[:8].replace(".", "")
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    return f"{digits}{day:02d}{rng.randint(1, 12):02d}{rng.randint(50, 99):02d}{serial:04d}"


def make_households(rng: random.Random, n: int = 40) -> list[H]:
    out = []
    for i in range(n):
        kel = KELURAHAN[i % len(KELURAHAN)]
        spend = None if i % 7 == 3 else float(rng.randint(150, 900) * 1000)
        h = H(f"RT{i:03d}", kel, rng.randint(1, 10), rng.choice(STATUSES), rng.randint(1, 7),
              spend, nik_for(rng, kel, 1000 + i), nik_for(rng, kel, 5000 + i).replace("4", "3", 1))
        h.members = [nik_for(rng, kel, 2000 + i * 10 + j) for j in range(rng.randint(0, 3))]
        out.append(h)
    out[1].no_kk = out[0].no_kk  # possible duplicates: the same family card twice
    out[5].members.append(out[4].members[0] if out[4].members else out[4].nik_kepala)
    return out


def insert_households(conn: Connection, households: list[H]) -> None:
    for h in households:
        h.db_id = conn.execute(text(
            "INSERT INTO household (id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash, "
            "nik_kepala_mask, nama_kepala, alamat, kode_kelurahan_deklarasi, kode_kelurahan, "
            "jumlah_anggota, desil, pengeluaran_per_kapita, status_verifikasi, kode_kabkota) "
            "VALUES (:id, :kk, :kkm, :nik, :nikm, :nama, :alamat, :kel, :kel, :size, :desil, "
            ":spend, :status, :kab) RETURNING id"),
            {"id": h.id_keluarga, "kk": identity.digest(KEY, h.no_kk),
             "kkm": identity.mask(h.no_kk), "nik": identity.digest(KEY, h.nik_kepala),
             "nikm": identity.mask(h.nik_kepala), "nama": f"Kepala {h.id_keluarga}",
             "alamat": f"Jl. Uji {h.id_keluarga}", "kel": h.kel, "size": h.size,
             "desil": h.desil, "spend": h.spend, "status": h.status,
             "kab": h.kel[:5]}).scalar_one()
        for j, nik in enumerate(h.members):
            conn.execute(text(
                "INSERT INTO member (household_id, nik_hash, nik_mask, nama, kode_kabkota) "
                "VALUES (:h, :nik, :mask, :nama, :kab)"),
                {"h": h.db_id, "nik": identity.digest(KEY, nik), "mask": identity.mask(nik),
                 "nama": f"Anggota {j}", "kab": h.kel[:5]})


def insert_programs(conn: Connection) -> None:
    for kode, nama in AGENCIES.items():
        conn.execute(text("INSERT INTO agency (kode, nama) VALUES (:k, :n)"),
                     {"k": kode, "n": nama})
    for kode, agency, area, desil in PROGRAMS:
        conn.execute(text(
            "INSERT INTO program (kode_program, nama, instansi, desil_maks, wilayah_layanan) "
            "VALUES (:k, :n, :a, :d, :area)"),
            {"k": kode, "n": f"Program {kode}", "a": agency, "d": desil, "area": list(area)})


def make_enrollments(rng: random.Random, households: list[H]) -> list[E]:
    """Random enrollments by every key kind, some ended, some overlapping in time, plus rows
    that match nobody."""
    out = []
    for h in households:
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            start = date(2023, 1, 1) + timedelta(days=rng.randint(0, 700))
            end = start + timedelta(days=rng.randint(0, 500)) if rng.random() < 0.4 else None
            how = rng.random()
            e = E(rng.choice(PROGRAMS)[0], start=start, end=end)
            if how < 0.4:
                e.id_keluarga = h.id_keluarga
            elif how < 0.6:
                e.no_kk = h.no_kk
            elif how < 0.8 or not h.members:
                e.nik = h.nik_kepala
            else:
                e.nik = rng.choice(h.members)
            if rng.random() < 0.15:  # an unknown ID given first: the next key decides
                e.id_keluarga = e.id_keluarga or "TIDAK-ADA"
            out.append(e)
    out.append(E("PKH", no_kk=households[0].no_kk, start=date(2024, 3, 1)))  # shared KK
    out.append(E("PBI", nik=households[4].members[0] if households[4].members
                 else households[4].nik_kepala, start=date(2024, 2, 1)))  # shared NIK
    out.append(E("BPNT", id_keluarga="TIDAK-ADA-1", start=date(2024, 1, 1)))  # unmatched
    out.append(E("ZAKAT", nik=nik_for(rng, KELURAHAN[0], 9999), start=date(2024, 1, 1)))
    return out


def write_csv(path: Path, rows: list[E]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kode_program", "id_keluarga", "no_kk", "nik", "tanggal_mulai",
                         "tanggal_selesai"])
        for e in rows:
            writer.writerow([e.program, e.id_keluarga, e.no_kk, e.nik, e.start.isoformat(),
                             e.end.isoformat() if e.end else ""])
    return path


# ---- the reference rules, in plain Python -------------------------------------------------

def matched_households(e: E, households: list[H]) -> list[H]:
    """id_keluarga, then no_kk, then nik (head or member): the first given key that matches."""
    tests = (
        (e.id_keluarga, lambda h: h.id_keluarga == e.id_keluarga),
        (e.no_kk, lambda h: h.no_kk == e.no_kk),
        (e.nik, lambda h: e.nik == h.nik_kepala or e.nik in h.members),
    )
    for given, matches in tests:
        if given:
            found = [h for h in households if matches(h)]
            if found:
                return found
    return []


def active(e: E, on: date) -> bool:
    return e.start <= on and (e.end is None or on <= e.end)


def is_target(h: H, desil_max: int) -> bool:
    return h.status == "terverifikasi" and h.desil <= desil_max


def active_programs(households: list[H], rows: list[E], on: date) -> dict[str, set[str]]:
    """id_keluarga -> programs actively enrolled on ``on``."""
    out: dict[str, set[str]] = {h.id_keluarga: set() for h in households}
    for e in rows:
        if active(e, on):
            for h in matched_households(e, households):
                out[h.id_keluarga].add(e.program)
    return out


def agency_of(program: str) -> str:
    return next(a for k, a, _, _ in PROGRAMS if k == program)


def enrolled_world(conn: Connection, folder: Path, key: bytes, seed: int, n: int = 40
                   ) -> tuple[list[H], list[E]]:
    """Households, the five programs and random enrollments imported by the real service
    (hashed with ``key``, which must be the key the code under test uses)."""
    from app.services.coverage import import_enrollments

    rng = random.Random(seed)
    households = make_households(rng, n)
    insert_households(conn, households)
    insert_programs(conn)
    rows = make_enrollments(rng, households)
    import_enrollments(conn, write_csv(folder / "kepesertaan.csv", rows), key=key, user="uji")
    return households, rows


def refreshed_world(conn: Connection, folder: Path, seed: int, n: int = 120
                    ) -> tuple[list[H], list[E]]:
    """``enrolled_world`` with every step refreshed: the figures come from the steps."""
    from app.services.coverage.steps import refresh_stale, stale_codes

    households, rows = enrolled_world(conn, folder, KEY, seed=seed, n=n)
    refresh_stale(conn)
    assert stale_codes(conn) == []
    return households, rows


def remove_a_household_in_two_programs(conn: Connection, households: list[H], rows: list[E],
                                       on: date) -> tuple[H, list[H]]:
    """Delete a target household active in two or more programs on ``on`` from the registry
    (its segments cascade; its kelurahan is marked stale, its steps wait for the refresh);
    returns it and the households left."""
    active = active_programs(households, rows, on)
    gone = next(h for h in households if is_target(h, 10) and len(active[h.id_keluarga]) >= 2)
    conn.execute(text("DELETE FROM household WHERE id = :id"), {"id": gone.db_id})
    return gone, [h for h in households if h is not gone]


def expected_area_figures(households, rows, on, desil, program=None, agency=None):
    """Per kelurahan by the domain rule: covered = targets with an active program of the
    filter; overlap = of those, in 2+ programs of any kind; leakage = active (household,
    program of the filter) pairs of non-targets."""
    active = active_programs(households, rows, on)
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(
        ("targets", "covered", "overlap", "leakage", "leakage_households"), 0))
    for h in households:
        mine = {p for p in active[h.id_keluarga]
                if (program is None or p == program) and (agency is None or agency_of(p) == agency)}
        row = out[h.kel]
        if is_target(h, desil):
            row["targets"] += 1
            row["covered"] += bool(mine)
            row["overlap"] += bool(mine) and len(active[h.id_keluarga]) >= 2
        elif mine:
            row["leakage"] += len(mine)
            row["leakage_households"] += 1
    return dict(out)


def area_figures(conn, on, desil, **filters):
    from app.services import coverage

    keys = ("targets", "covered", "overlap", "leakage", "leakage_households")
    return {r["kode"]: {k: r[k] for k in keys} for r in coverage.coverage_by_area(
        conn, level="kelurahan", parent=None, ref_date=on, desil_max=desil, **filters)
        if r["targets"] or r["covered"] or r["leakage"]}
