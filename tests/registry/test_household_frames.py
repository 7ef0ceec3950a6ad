"""The polars fast path must read, judge and encode every row exactly as the row-wise path.

Each test runs one file both ways: ``Table.chunks`` + ``validate_households`` + ``copy_payload``
(the exact path, tested rule by rule elsewhere) and ``Table.batches`` + ``split_frame`` (+ the
exact path for the rows it sets aside) + ``frame_payload``, at several block sizes so that
block boundaries fall everywhere. The messy rows cover every rule and the cells only the
exact path may clean (dots in a NIK, ``3.0``, unpadded codes, odd spaces).
"""

from __future__ import annotations

import csv
import random
import sys
from collections import Counter

import polars as pl
import pytest
from household_rows import GUNUNG_TELIHAN, HEADER, kk, nik, row
from shapely.geometry import box

from app.services.registry.payload import copy_payload, frame_payload
from geo.io import Frame, open_table
from geo.registry import HOUSEHOLD_SPEC, KelurahanIndex, validate_households
from geo.registry.frames import WHITESPACE, SeenIds, degrees, split_frame

KEY = b"kunci-uji"
OTHER = "64.74.03.1001"
INDEX = KelurahanIndex([GUNUNG_TELIHAN, OTHER],
                       [box(117.40, 0.10, 117.50, 0.20), box(117.48, 0.10, 117.60, 0.20)])
BLOCK_ROWS = (1, 3, 50_000)  # bytes per block = rows * 128: boundaries everywhere, or none


def messy_rows() -> list[dict[str, str]]:
    rows = [row(i, lat="0.15", lon="117.45") for i in range(1, 6)]
    odd_cells = [
        {"nik_kepala": "6474.0315.0580.0099"}, {"nik_kepala": nik(7)[:15]},
        {"nik_kepala": "6474030005800001"}, {"nik_kepala": "6474034213800001"},
        {"nik_kepala": "6474031505800000"}, {"nik_kepala": "0074031505800001"},
        {"nik_kepala": "6474035505800001"}, {"nik_kepala": "6474033505800001"},
        {"nik_kepala": "6474037205800001"}, {"no_kk": "00" + kk(8)[2:]}, {"no_kk": "x"},
        {"jumlah_anggota": "3.0"}, {"jumlah_anggota": "03"}, {"jumlah_anggota": "0"},
        {"jumlah_anggota": "1000"}, {"jumlah_anggota": "-1"}, {"jumlah_anggota": ""},
        {"desil": "0"}, {"desil": "11"}, {"desil": "2.0"}, {"desil": " 3 "},
        {"status_verifikasi": "Terverifikasi"}, {"status_verifikasi": "x"},
        {"pengeluaran_per_kapita": "450.000,50"}, {"pengeluaran_per_kapita": "1e3"},
        {"pengeluaran_per_kapita": "-5"}, {"pengeluaran_per_kapita": ""},
        {"pengeluaran_per_kapita": "9999999999999"},
        {"tanggal_verifikasi": "2025-02-30"}, {"tanggal_verifikasi": "2025-2-1"},
        {"tanggal_verifikasi": "0999-01-01"}, {"tanggal_verifikasi": "0000-01-01"},
        {"tanggal_verifikasi": "2025-W05-6"},
        {"tanggal_verifikasi": ""}, {"kode_kelurahan": "6474031002"},
        {"kode_kelurahan": "64.74.03.9999"}, {"kode_kelurahan": ""}, {"nama_kepala": ""},
        {"nama_kepala": "\xa0Siti\u3000"}, {"nama_kepala": "\x1cAni\x1f"},
        {"alamat": "Jl. A\\B"}, {"alamat": ""}, {"id_keluarga": ""}, {"id_keluarga": " K00001"},
        {"id_keluarga": "K00003"}, {"lat": "0,15", "lon": "117,45"}, {"lat": "1e-1"},
        {"lat": "abc"}, {"lat": "117.45", "lon": "0.15"}, {"lat": "", "lon": "117.45"},
        {"lat": "0.15", "lon": "117.49"}, {"lat": "0.15", "lon": "117.55"},
        {"lat": "0.15", "lon": "118"}, {"lat": "0", "lon": "0"}, {"lat": " -0.5 "},
    ]
    rows += [row(100 + i, **{"lat": "0.15", "lon": "117.45", **cells})
             for i, cells in enumerate(odd_cells)]
    rows.append(row(6, id_keluarga="K00002"))  # repeats the id of an accepted row
    rows.append(row(7, id_keluarga="K00107"))  # repeats a rejected row's id (No. KK 00...)
    rows += [row(200 + i) for i in range(30)]
    return rows


def write_file(path, rows, delimiter=",", newline="\n", extra_lines=()):
    lines = [delimiter.join(HEADER)] + [delimiter.join(r[h] for h in HEADER) for r in rows]
    for at, line in extra_lines:
        lines.insert(at, line)
    path.write_text(newline.join(lines) + newline, encoding="utf-8")
    return path


def exact_path(path, size):
    seen: dict[str, int] = {}
    accepted, rejections, payload = {}, [], []
    with open_table(path, HOUSEHOLD_SPEC) as table:
        for chunk in table.chunks(size):
            valid, rejected = validate_households(chunk, INDEX.position.keys(), seen)
            accepted.update(_by_number(valid))
            rejections += rejected
            payload += copy_payload(valid, KEY, INDEX, 1, Counter()).splitlines()
    return accepted, _rejections(rejections), sorted(payload)


def fast_path(path, size):
    seen = SeenIds()
    accepted, rejections, payload, frames = {}, [], [], 0
    with open_table(path, HOUSEHOLD_SPEC) as table:
        for batch in table.batches(size):
            if isinstance(batch, Frame):
                frames += 1
                clean, batch = split_frame(batch, INDEX.position.keys(), seen)
                accepted.update({r.pop("number"): tuple(r.values())
                                 for r in clean.to_dicts()})
                encoded = frame_payload(clean, KEY, INDEX, 1, Counter())
                payload += encoded.decode().splitlines()
                if batch is None:
                    continue
            valid, rejected = validate_households(batch, INDEX.position.keys(),
                                                  seen.exact_for(batch))
            accepted.update(_by_number(valid))
            rejections += rejected
            payload += copy_payload(valid, KEY, INDEX, 1, Counter()).splitlines()
    return accepted, _rejections(rejections), sorted(payload), frames


def _by_number(valid):
    columns = [getattr(valid, name) for name in HOUSEHOLD_SPEC.columns]
    return {number: tuple(c[i] for c in columns) for i, number in enumerate(valid.numbers)}


def _rejections(rejections):
    return sorted((r.row_number, r.message, sorted(r.data.items())) for r in rejections)


@pytest.mark.parametrize("size", BLOCK_ROWS)
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_fast_path_accepts_rejects_and_encodes_like_the_exact_path(tmp_path, size, delimiter):
    path = write_file(tmp_path / "rt.csv", messy_rows(), delimiter)
    accepted, rejections, payload = exact_path(path, size)
    fast_accepted, fast_rejections, fast_payload, frames = fast_path(path, size)
    # With "," the two long rows send their block row-wise: with one block, the whole file.
    assert frames > 0 or (delimiter == "," and size == 50_000)
    assert fast_accepted == accepted
    assert fast_rejections == rejections
    assert fast_payload == payload
    # The file's own answers, not only agreement: the checks are not both wrong. 24 rows
    # break a rule (bad optional amounts and dates are kept with a warning, 2025-2-1 is a
    # date); with "," two more split into extra fields (450.000,50 and 0,15).
    assert len(rejections) == (24 if delimiter == ";" else 26)
    assert len(accepted) + len(rejections) == len(messy_rows())
    assert accepted[2][HOUSEHOLD_SPEC.columns.index("id_keluarga")] == "K00001"


def test_tabs_and_backslashes_are_escaped_alike(tmp_path):
    rows = [row(1, nama_kepala="Ani\tBudi", alamat="C:\\jalan"), row(2)]
    path = write_file(tmp_path / "t.csv", rows, ";")
    assert fast_path(path, 50_000)[2] == exact_path(path, 50_000)[2]
    assert "Ani\\tBudi" in fast_path(path, 50_000)[2][0]


@pytest.mark.parametrize("extra", [
    [(3, ""), (9, "")],  # blank lines keep their numbers
    [(4, ",,,,,,,,,,,,")],  # a row of empty cells is blank too
    [(5, "K9,1,2")],  # a short row
    [(6, ",".join(["x"] * 14))],  # a long row
    [(7, 'K8,"6474031505800008",x')],  # a quote: csv module from here on
])
def test_irregular_lines_are_numbered_and_read_like_the_csv_module(tmp_path, extra):
    path = write_file(tmp_path / "r.csv", messy_rows(), ",", "\r\n", extra)
    for size in BLOCK_ROWS:
        assert fast_path(path, size)[:3] == exact_path(path, size)


def test_plain_decimals_read_natively_equal_float():
    rng = random.Random(7)
    def cell(digits: int) -> str:
        fraction = rng.randint(0, 10**digits - 1)
        return f"{rng.choice(['', '-'])}{rng.randint(0, 140)}.{fraction:0{digits}d}"

    cells = [cell(rng.randint(1, 15)) for _ in range(20_000)]
    assert degrees(pl.Series(cells)).tolist() == [float(c) for c in cells]


def write_quoted(path, rows, quoting, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter, quoting=quoting)
        writer.writerow(HEADER)
        writer.writerows([[r[h] for h in HEADER] for r in rows])
    return path


@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
def test_simply_quoted_fields_take_the_fast_path_and_read_alike(tmp_path, quoting):
    # Excel's CSV quotes an address holding the delimiter; some exports quote every field.
    rows = messy_rows() + [row(300 + i, alamat=f"Jl. Damai {i}, RT 0{i}") for i in range(5)]
    path = write_quoted(tmp_path / "q.csv", rows, quoting)
    for size in BLOCK_ROWS:
        accepted, rejections, payload, frames = fast_path(path, size)
        assert frames > 0
        assert (accepted, rejections, payload) == exact_path(path, size)
    assert len(accepted) + len(rejections) == len(rows)
    assert any("Jl. Damai 0, RT 00" in line for line in payload)


@pytest.mark.parametrize("alamat", [
    'Jl. "Merdeka" 5',  # doubled quotes inside a quoted field
    "Jl. Merdeka\nRT 2",  # a line break inside quotes: one record on two lines
])
def test_other_quoting_is_read_by_the_csv_module_from_there_on(tmp_path, alamat):
    rows = messy_rows()
    rows[40]["alamat"] = alamat
    path = write_quoted(tmp_path / "q.csv", rows, csv.QUOTE_MINIMAL)
    for size in BLOCK_ROWS:
        assert fast_path(path, size)[:3] == exact_path(path, size)
    assert len(exact_path(path, 3)[0]) + len(exact_path(path, 3)[1]) == len(rows)


@pytest.mark.parametrize("line", [
    'K9,x "y",z,' + ",".join(["1"] * 10), 'K9, "y",z,' + "," * 9,
    'K9,"ab"c,z,' + ",".join(["1"] * 10), 'K9,"a,b"c,z,' + ",".join(["1"] * 10),
])
def test_text_around_quotes_is_read_by_the_csv_module(tmp_path, line):
    path = write_file(tmp_path / "r.csv", messy_rows(), ",", "\n", [(5, line)])
    for size in BLOCK_ROWS:
        assert fast_path(path, size)[:3] == exact_path(path, size)


def test_a_first_id_numbers_the_rows_in_order_in_both_payloads(tmp_path):
    path = write_file(tmp_path / "rt.csv", [row(i, lat="0.15", lon="117.45") for i in range(5)])
    with open_table(path, HOUSEHOLD_SPEC) as table:
        (frame,) = list(table.batches(50_000))
        clean, _ = split_frame(frame, INDEX.position.keys(), SeenIds())
    with open_table(path, HOUSEHOLD_SPEC) as table:
        valid, _ = validate_households(next(table.chunks(50_000)), INDEX.position.keys(), {})
    plain = copy_payload(valid, KEY, INDEX, 1, Counter()).splitlines()
    numbered = [f"{101 + i}\t{line}" for i, line in enumerate(plain)]
    assert copy_payload(valid, KEY, INDEX, 1, Counter(), first_id=101).splitlines() == numbered
    framed = frame_payload(clean, KEY, INDEX, 1, Counter(), first_id=101)
    assert framed.decode().splitlines() == numbered


def test_frames_strip_exactly_what_str_strip_strips():
    assert set(WHITESPACE) == {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()}
