"""Sample programs and enrollments for the sample city (deterministic; reads the committed
``rumah_tangga.csv`` and ``anggota.csv``, writes ``program.csv`` and ``kepesertaan.csv``).

Poorer households are enrolled more often, some in several programs (overlaps), many poor ones
in none (gaps), a few well-off ones too (leakage); some enrollments have ended; keys are the
registry ID, the No. KK, the head's NIK or another member's NIK; a few rows match nobody and a
few are malformed (for the rejection report). Run: ``python data/samples/generate_programs.py``.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SEED = 20261124
PROGRAM_HEADER = ["kode_program", "nama", "instansi", "nama_instansi", "jenis_instansi", "jenis",
                  "tahun", "anggaran", "desil_maks", "unit_cakupan", "wilayah_layanan"]
PROGRAMS = [
    ["PKH", "Program Keluarga Harapan", "DINSOS", "Dinas Sosial", "opd", "bantuan tunai",
     2025, 4_800_000_000, 2, "household", ""],
    ["SEMBAKO", "Bantuan Pangan Non Tunai (Sembako)", "DINSOS", "Dinas Sosial", "opd",
     "bantuan pangan", 2025, 3_600_000_000, 4, "household", ""],
    ["PBI-JK", "Iuran JKN Penerima Bantuan Iuran Daerah", "DINKES", "Dinas Kesehatan", "opd",
     "jaminan kesehatan", 2025, 5_200_000_000, 5, "person", ""],
    ["PELATIHAN-KERJA", "Pelatihan Kerja Berbasis Kompetensi", "DISNAKER",
     "Dinas Tenaga Kerja", "opd", "pemberdayaan", 2025, 900_000_000, "", "person", ""],
    ["RTLH", "Rehabilitasi Rumah Tidak Layak Huni", "DISPERKIM",
     "Dinas Perumahan dan Kawasan Permukiman", "opd", "perumahan", 2025, 2_500_000_000, 4,
     "house", "64.74.01.1001;64.74.01.1002;64.74.01.1003;64.74.02.1001"],
    ["ZAKAT-PRODUKTIF", "Zakat Produktif Usaha Mikro", "BAZNAS", "BAZNAS Kota Bontang",
     "lembaga", "pemberdayaan", 2025, 750_000_000, 3, "household", ""],
    ["CSR-BEASISWA", "Beasiswa Anak Keluarga Prasejahtera", "CSR-PKT",
     "Unit CSR PT Pupuk Kalimantan Timur", "swasta", "pendidikan", 2025, 1_200_000_000, 4,
     "household", "64.74.03.1001;64.74.03.1002;64.74.03.1003"],
]
ENROLL_HEADER = ["kode_program", "id_keluarga", "no_kk", "nik", "tanggal_mulai", "tanggal_selesai"]
# Chance that a household of desil d is enrolled at all (targeting works, imperfectly).
ENROLL_CHANCE = {1: 0.75, 2: 0.7, 3: 0.6, 4: 0.5, 5: 0.25, 6: 0.15, 7: 0.08, 8: 0.05, 9: 0.03,
                 10: 0.02}


def read(name: str) -> list[dict[str, str]]:
    with open(HERE / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def start_end(rng: random.Random) -> tuple[str, str]:
    start = date(2023, 1, 2) + timedelta(days=rng.randint(0, 1000))
    if rng.random() < 0.3:
        return start.isoformat(), (start + timedelta(days=rng.randint(60, 540))).isoformat()
    return start.isoformat(), ""


def key_columns(rng: random.Random, h: dict[str, str], others: list[str]) -> list[str]:
    """id_keluarga, no_kk, nik: one key chosen the way agencies' lists really carry them."""
    pick = rng.random()
    if pick < 0.4:
        return [h["id_keluarga"], "", ""]
    if pick < 0.65:
        return ["", h["no_kk"], ""]
    if pick < 0.9 or not others:
        return ["", "", h["nik_kepala"]]
    return ["", "", rng.choice(others)]  # a spouse or child on the agency's list


def enrollments(rng: random.Random, households: list[dict[str, str]],
                members: dict[str, list[str]]) -> list[list[Any]]:
    codes = [p[0] for p in PROGRAMS]
    weights = [24, 24, 26, 6, 5, 8, 7]
    rows = []
    for h in households:
        desil = int(h["desil"]) if h["desil"].isdigit() else 10
        if rng.random() >= ENROLL_CHANCE.get(desil, 0.02):
            continue
        count = 1 + (rng.random() < 0.45) + (rng.random() < 0.15)
        # sorted: iterating a set of strings follows the per-process hash seed
        for code in sorted(set(rng.choices(codes, weights, k=count))):
            keys = key_columns(rng, h, members.get(h["id_keluarga"], []))
            rows.append([code, *keys, *start_end(rng)])
    return rows


def unmatched_and_bad(rng: random.Random) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for i in range(12):  # people the agency lists who are not in the registry
        rows.append(["SEMBAKO", "", "", f"647402{rng.randint(1, 28):02d}0{rng.randint(1, 9)}"
                     f"{rng.randint(70, 99)}{9000 + i:04d}", "2024-07-01", ""])
    rows.append(["PKH", "BTG-99999", "", "", "2024-01-15", ""])
    rows += [
        ["BANSOS-LAMA", "BTG-00010", "", "", "2024-01-01", ""],        # unknown program
        ["PKH", "", "", "", "2024-01-01", ""],                          # no key
        ["SEMBAKO", "", "", "64740212345", "2024-01-01", ""],           # short NIK
        ["PBI-JK", "", "647401000000", "", "2024-01-01", ""],           # short No. KK
        ["PBI-JK", "BTG-00011", "", "", "15/03/2024", ""],              # date not YYYY-MM-DD
        ["RTLH", "BTG-00012", "", "", "2024-05-01", "2024-02-01"],      # ends before it starts
    ]
    return rows


def main() -> None:
    rng = random.Random(SEED)
    households = read("rumah_tangga.csv")
    members: dict[str, list[str]] = {}
    for m in read("anggota.csv"):
        if m["hubungan"] != "kepala keluarga":
            members.setdefault(m["id_keluarga"], []).append(m["nik"])
    with open(HERE / "program.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(PROGRAM_HEADER)
        writer.writerows(PROGRAMS)
    rows = enrollments(rng, households, members) + unmatched_and_bad(rng)
    rng.shuffle(rows)
    with open(HERE / "kepesertaan.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ENROLL_HEADER)
        writer.writerows(rows)
    print(f"Ditulis ke {HERE}: {len(PROGRAMS)} program, {len(rows)} baris kepesertaan.")


if __name__ == "__main__":
    main()
