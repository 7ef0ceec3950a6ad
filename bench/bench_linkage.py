"""Benchmark and known-truth evaluation of match suggestions (not a timed test).

    flock /tmp/sasaran-bench.lock .venv/bin/python bench/bench_linkage.py \
        [--households 1000000] [--queries 1000]

Builds a registry of synthetic households (names drawn from Indonesian given/family name
lists, NIK and No. KK by the domain rules, kelurahan of Kutai Timur, Balikpapan and Bontang;
one member with a birth date for every fifth household), straight into the tables by COPY.
Then makes unmatched enrollment rows whose truth is known, in five equal classes: a head's NIK
with one digit changed, a member's NIK with two neighbouring digits swapped, a reissued No. KK
with the head's name, a member's name spelled differently with the birth date, and strangers
(not in the registry). Prints the time of ``suggest`` for all rows (the anchor: a plain digest
lookup of the same rows' exact NIKs in the same run), and precision/recall at the top
suggestion and within the three.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from servers import free_port  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app.services.coverage.suggestions import suggest  # noqa: E402
from geo import identity  # noqa: E402
from geo.coverage.linkage import Query  # noqa: E402

from common import WILAYAH, bench_database, make_engine, peak_rss_mb  # noqa: E402

KEY = b"bench-linkage-key"
GIVEN = [
    "Siti", "Ahmad", "Muhammad", "Nur", "Dewi", "Budi", "Agus", "Sri", "Rina", "Joko", "Eko",
    "Andi", "Rudi", "Yusuf", "Fitri", "Ratna", "Hendra", "Dedi", "Wahyu", "Indah", "Putri",
    "Rahmat", "Arif", "Bambang", "Sari", "Lina", "Yanti", "Hadi", "Ilham", "Fajar", "Rizki",
    "Dian", "Nurul", "Aisyah", "Fatimah", "Abdul", "Aminah", "Hasan", "Ismail", "Ibrahim",
    "Kartini", "Lestari", "Maya", "Novi", "Oki", "Purnama", "Rosa", "Suharto", "Taufik",
    "Umar", "Vina", "Wati", "Yuliana", "Zainal"
]
FAMILY = [
    "Santoso", "Hidayat", "Saputra", "Wijaya", "Kurniawan", "Setiawan", "Pratama", "Nugroho",
    "Siregar", "Nasution", "Lubis", "Harahap", "Simanjuntak", "Sinaga", "Hutapea", "Daeng",
    "Pane", "Rahman", "Hakim", "Syahputra", "Susanto", "Gunawan", "Halim", "Wibowo",
    "Hartono", "Purnomo", "Sulistyo", "Utomo", "Firmansyah", "Ramadhan", "Maulana", "Permana",
    "Kusuma", "Anggraini", "Handayani", "Rahayu", "Wulandari", "Puspita", "Sari", "Fauzi",
    "Iskandar", "Marpaung", "Tambunan", "Situmorang", "Manurung", "Panjaitan", "Pardede",
    "Sitorus", "Ginting", "Tarigan"
]


def kelurahan_codes() -> list[str]:
    codes: list[str] = []
    for name in ("kutai_timur_desa", "balikpapan_kelurahan", "bontang_kelurahan"):
        data = json.loads((WILAYAH / f"{name}.geojson").read_text())
        codes += [f["properties"]["kode"] for f in data["features"]]
    return codes


def person_name(rng: random.Random) -> str:
    parts = [rng.choice(GIVEN), rng.choice(GIVEN), rng.choice(FAMILY)]
    return " ".join(parts[rng.randrange(2):])


def nik_of(kel: str, born: date, woman: bool, serial: int) -> str:
    day = born.day + (40 if woman else 0)
    return f"{kel[:8].replace('.', '')}{day:02d}{born:%m%y}{serial:04d}"


def build(conn, households: int, rng: random.Random) -> list[dict]:
    codes = kelurahan_codes()
    heads, members = [], []
    serial: dict[str, int] = {}
    for i in range(households):
        kel = codes[i % len(codes)]
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        key = kel[:8] + born.isoformat()
        serial[key] = serial.get(key, 0) + 1
        head = {"id": i + 1, "kel": kel, "nama": person_name(rng),
                "nik": nik_of(kel, born, False, serial[key]),
                "kk": f"{kel[:8].replace('.', '')}{i:010d}"}
        heads.append(head)
        if i % 5 == 0:
            child = date(1990, 1, 1) + timedelta(days=rng.randrange(9000))
            key = kel[:8] + child.isoformat()
            serial[key] = serial.get(key, 0) + 1
            members.append({"household": i + 1, "nama": person_name(rng), "lahir": child,
                            "nik": nik_of(kel, child, True, serial[key]), "kel": kel})
    _copy(conn, heads, members)
    return heads, members


def _copy(conn, heads: list[dict], members: list[dict]) -> None:
    nik_digests = identity.digest_many(KEY, [h["nik"] for h in heads])
    kk_digests = identity.digest_many(KEY, [h["kk"] for h in heads])
    dbapi = conn.connection.driver_connection
    with dbapi.cursor() as cursor, cursor.copy(
        "COPY household (id, id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash, "
        "nik_kepala_mask, nama_kepala, kode_kelurahan_deklarasi, kode_kelurahan, "
        "jumlah_anggota, desil, status_verifikasi) FROM STDIN") as copy:
        for h, n, k in zip(heads, nik_digests, kk_digests, strict=True):
            copy.write_row((h["id"], f"H{h['id']}", k, identity.mask(h["kk"]), n,
                            identity.mask(h["nik"]), h["nama"], h["kel"], h["kel"], 4, 3,
                            "terverifikasi"))
    member_digests = identity.digest_many(KEY, [m["nik"] for m in members])
    with dbapi.cursor() as cursor, cursor.copy(
        "COPY member (household_id, nik_hash, nik_mask, nama, tanggal_lahir) FROM STDIN"
    ) as copy:
        for m, d in zip(members, member_digests, strict=True):
            copy.write_row((m["household"], d, identity.mask(m["nik"]), m["nama"], m["lahir"]))
    conn.execute(text("ANALYZE household; ANALYZE member"))


def respell(name: str, rng: random.Random) -> str:
    """One of the ways a name is written twice: a doubled or dropped letter, a vowel."""
    words = name.split()
    i = rng.randrange(len(words))
    word = words[i]
    at = rng.randrange(1, len(word))
    change = rng.choice(("double", "drop", "vowel"))
    if change == "double":
        word = word[:at] + word[at - 1] + word[at:]
    elif change == "drop" and len(word) > 3:
        word = word[:at] + word[at + 1:]
    else:
        word = word.replace("i", "y", 1) if "i" in word else word + "h"
    words[i] = word
    return " ".join(words).upper()


def queries(heads: list[dict], members: list[dict], n: int, rng: random.Random
            ) -> list[tuple[Query, int | None, str]]:
    out: list[tuple[Query, int | None, str]] = []
    per = n // 5
    for ref in range(per):
        h = rng.choice(heads)
        at = rng.randrange(6, 16)
        digit = rng.choice([d for d in "0123456789" if d != h["nik"][at]])
        typo = h["nik"][:at] + digit + h["nik"][at + 1:]
        if identity.nik_problem(typo) is None:
            out.append((Query(len(out), nik=typo, nama=h["nama"].upper()), h["id"], "nik_typo"))
        m = rng.choice(members)
        at = rng.randrange(6, 15)
        swapped = m["nik"][:at] + m["nik"][at + 1] + m["nik"][at] + m["nik"][at + 2:]
        if swapped != m["nik"] and identity.nik_problem(swapped) is None:
            out.append((Query(len(out), nik=swapped, nama=m["nama"], tanggal_lahir=m["lahir"]),
                        m["household"], "nik_swap"))
        h = rng.choice(heads)
        new_kk = h["kk"][:6] + f"9{rng.randrange(10**9):09d}"
        out.append((Query(len(out), no_kk=new_kk, nama=h["nama"].upper()), h["id"], "kk_new"))
        m = rng.choice(members)
        other = nik_of(m["kel"], date(2001, 2, 3), False, 9000 + ref)
        out.append((Query(len(out), nik=other, nama=respell(m["nama"], rng),
                          tanggal_lahir=m["lahir"]), m["household"], "name_birth"))
        stranger = nik_of(m["kel"], date(2003, 4, 5), True, 8000 + ref)
        out.append((Query(len(out), nik=stranger, nama=person_name(rng).upper(),
                          tanggal_lahir=date(2003, 4, 5)), None, "stranger"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    args = parser.parse_args()
    rng = random.Random(17)
    with bench_database(args.port or free_port()) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            started = time.perf_counter()
            heads, members = build(conn, args.households, rng)
            print(f"registry: {len(heads):,} households, {len(members):,} members "
                  f"({time.perf_counter() - started:.1f} s)")
        rows = queries(heads, members, args.queries, rng)
        with engine.begin() as conn:
            exact = identity.digest_many(KEY, [q.nik or q.no_kk or "" for q, _, _ in rows])
            started = time.perf_counter()
            conn.execute(text("SELECT count(*) FROM household WHERE nik_kepala_hash = ANY (:d)"),
                         {"d": exact}).scalar_one()
            anchor = time.perf_counter() - started
            started = time.perf_counter()
            ranked = suggest(conn, [q for q, _, _ in rows], KEY)
            elapsed = time.perf_counter() - started
        report(rows, ranked, elapsed, anchor)
    print(f"peak RSS {peak_rss_mb():.0f} MB")


def report(rows, ranked, elapsed: float, anchor: float) -> None:
    print(f"{len(rows):,} unmatched rows: suggest {elapsed:.2f} s "
          f"(anchor, exact digest lookup of the same rows: {anchor * 1000:.0f} ms)")
    classes = sorted({c for _, _, c in rows})
    totals = {"top": 0, "correct": 0, "truth": 0, "in3": 0}
    for cls in classes:
        mine = [(q, truth) for q, truth, c in rows if c == cls]
        top = [ranked[q.ref][0].household_id if q.ref in ranked else None for q, _ in mine]
        given = sum(t is not None for t in top)
        correct = sum(t is not None and t == truth for t, (_, truth) in zip(top, mine, strict=True))
        within = sum(truth is not None and q.ref in ranked
                     and truth in [s.household_id for s in ranked[q.ref]] for q, truth in mine)
        truth_rows = sum(truth is not None for _, truth in mine)
        totals["top"] += given
        totals["correct"] += correct
        totals["truth"] += truth_rows
        totals["in3"] += within
        print(f"  {cls:11s} rows {len(mine):4d}  with a suggestion {given:4d}  top correct "
              f"{correct:4d}  true household within three {within:4d}")
    precision = totals["correct"] / max(totals["top"], 1)
    print(f"precision@1 {precision:.3f}  recall@1 {totals['correct'] / totals['truth']:.3f}  "
          f"recall@3 {totals['in3'] / totals['truth']:.3f}")


if __name__ == "__main__":
    main()
