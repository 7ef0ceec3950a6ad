"""A Bontang world for the page tests: the real kab/kota, kecamatan and kelurahan boundaries,
a few hundred households spread unevenly over the 15 kelurahan (some with 1-4 targets, one
with none), three programs and enrollments with known dates.

Every expected figure is computed from these plain rows by the functions below (domain.md),
never read back from the program.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Connection, text

from app.services.coverage import rebuild_segments
from app.services.wilayah import load_boundaries

REF = date(2026, 6, 30)
LINE = 441_448.0
AGENCIES = {"DINSOS": "Dinas Sosial", "BAZNAS": "BAZNAS Kota Bontang"}
PROGRAMS = {"PKH": ("Program Keluarga Harapan", "DINSOS"),
            "ZAKAT": ("Zakat produktif", "BAZNAS"),
            "RTLH": ("Rehab rumah tidak layak huni", "DINSOS")}
LEVEL_LENGTH = {"kabkota": 5, "kecamatan": 8, "kelurahan": 13}
COUNTS = ("targets", "covered", "gap", "overlap", "leakage")


@dataclass
class Hh:
    key: str
    kelurahan: str
    desil: int
    status: str
    members: int
    expenditure: int | None
    # (program, start, end or None)
    enrolled: list[tuple[str, date, date | None]] = field(default_factory=list)

    def target(self, desil_max: int = 4) -> bool:
        return self.status == "terverifikasi" and self.desil <= desil_max

    def active(self, ref: date = REF, program: str | None = None) -> set[str]:
        return {p for p, start, end in self.enrolled
                if start <= ref and (end is None or ref <= end)
                and (program is None or p == program)}


def kelurahan_codes(wilayah_dir: Path) -> list[str]:
    import json

    data = json.loads((wilayah_dir / "bontang_kelurahan.geojson").read_text())
    return sorted(f["properties"]["kode"] for f in data["features"])


def make_households(codes: list[str], seed: int = 14) -> list[Hh]:
    """Uneven sizes: the first kelurahan empty, the next two with 1-3 households only."""
    rng = random.Random(seed)
    out: list[Hh] = []
    for i, kode in enumerate(codes):
        n = 0 if i == 0 else rng.randint(1, 3) if i in (1, 2) else rng.randint(12, 40)
        for j in range(n):
            hh = Hh(f"BTG-{i:02d}-{j:03d}", kode, desil=rng.randint(1, 6) if i in (1, 2)
                    else rng.randint(1, 10),
                    status="terverifikasi" if i in (1, 2) else rng.choice(
                        ("terverifikasi",) * 4 + ("belum", "ditolak")),
                    members=rng.randint(1, 7),
                    expenditure=None if rng.random() < 0.1 else rng.randrange(150_000, 900_000,
                                                                              1000))
            for program in PROGRAMS:
                if rng.random() < 0.35:
                    start = REF - timedelta(days=rng.randint(-30, 400))
                    days = rng.randint(0, 500)
                    end = None if rng.random() < 0.6 else start + timedelta(days=days)
                    hh.enrolled.append((program, start, end))
            out.append(hh)
    return out


def build(conn: Connection, wilayah_dir: Path) -> list[Hh]:
    for name in ("kaltim_kabkota", "bontang_kecamatan", "bontang_kelurahan"):
        load_boundaries(conn, wilayah_dir / f"{name}.geojson")
    households = make_households(kelurahan_codes(wilayah_dir))
    ids = {hh.key: _insert_household(conn, hh) for hh in households}
    for kode, nama in AGENCIES.items():
        conn.execute(text("INSERT INTO agency (kode, nama) VALUES (:k, :n)"),
                     {"k": kode, "n": nama})
    program_ids = {kode: conn.execute(text(
        "INSERT INTO program (kode_program, nama, instansi) VALUES (:k, :n, :i) RETURNING id"),
        {"k": kode, "n": nama, "i": instansi}).scalar_one()
        for kode, (nama, instansi) in PROGRAMS.items()}
    for hh in households:
        for program, start, end in hh.enrolled:
            conn.execute(text(
                "INSERT INTO enrollment (program_id, household_id, kunci, kunci_tampil, "
                "tanggal_mulai, tanggal_selesai, status) "
                "VALUES (:p, :h, 'id_keluarga', :key, :s, :e, 'matched')"),
                {"p": program_ids[program], "h": ids[hh.key], "key": hh.key, "s": start,
                 "e": end})
    rebuild_segments(conn, list(ids.values()))
    return households


def _insert_household(conn: Connection, hh: Hh) -> int:
    digest = hashlib.sha256(hh.key.encode()).digest()
    return conn.execute(text(
        """
        INSERT INTO household (id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash,
            nik_kepala_mask, nama_kepala, kode_kelurahan_deklarasi, kode_kelurahan,
            jumlah_anggota, desil, status_verifikasi, flags, pengeluaran_per_kapita)
        VALUES (:key, :h, '647403********0001', :h, '647403********0001', :nama, :kel, :kel,
            :n, :desil, :status, ARRAY['no_coords'], :y)
        RETURNING id
        """), {"key": hh.key, "h": digest, "nama": f"Kepala {hh.key}", "kel": hh.kelurahan,
               "n": hh.members, "desil": hh.desil, "status": hh.status, "y": hh.expenditure},
    ).scalar_one()


def expected(households: list[Hh], level: str, desil_max: int = 4, ref: date = REF,
             program: str | None = None) -> dict[str, dict[str, int]]:
    """Figures per area code of ``level`` by the domain rules (areas with households only)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for hh in households:
        row = out[hh.kelurahan[:LEVEL_LENGTH[level]]]
        active = hh.active(ref, program)
        if hh.target(desil_max):
            row["targets"] += 1
            row["covered"] += bool(active)
            row["gap"] += not active
            row["overlap"] += len(active) >= 2
        else:
            row["leakage"] += len(active)
    return dict(out)


def total(rows: dict[str, dict[str, int]]) -> dict[str, int]:
    return {k: sum(r[k] for r in rows.values()) for k in COUNTS}


def fgt(households: list[Hh], line: float = LINE) -> tuple[float, float, float]:
    """P0, P1, P2 person-weighted over households with an expenditure (any status)."""
    known = [hh for hh in households if hh.expenditure is not None]
    persons = sum(hh.members for hh in known)
    gaps = [(hh.members, max(0.0, (line - hh.expenditure) / line)) for hh in known
            if hh.expenditure is not None]
    p0 = sum(n for hh, (n, _) in zip(known, gaps, strict=True) if hh.expenditure < line)
    return (p0 / persons, sum(n * g for n, g in gaps) / persons,
            sum(n * g * g for n, g in gaps) / persons)


def protected_ok(display: str, value: int) -> bool:
    """Whether a count as a role without person access sees it is allowed: the true count when
    it is 0 or at least 5, ``<5`` for 1-4, or ``x`` (hidden too, so that no small count can be
    derived from the others: complementary suppression)."""
    return display == "x" or display == shown(value, True)


def shown(value: int, suppress: bool) -> str:
    """How a count is displayed: id-ID thousands, ``<5`` for 1-4 when suppressed."""
    if suppress and 1 <= value <= 4:
        return "<5"
    return f"{value:,}".replace(",", ".")
