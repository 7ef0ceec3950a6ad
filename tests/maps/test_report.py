"""The PDF report and the map picture over the sample city: the totals in the PDF's text
(pdftotext) equal figures computed here from the loaded rows, and a viewer's report shows no
count from 1 to 4 and publishes exactly the protected publication's figures (complementary
suppression included, not ``<5`` alone)."""

from __future__ import annotations

import json
import re
import subprocess
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sample_city import COUNT_COLUMNS, REF, SAMPLES, expected_by_kelurahan, load_sample_city
from sqlalchemy import text
from suppression_attack import honest

from app.principal import LOCAL_ADMIN, Principal
from app.services.coverage import publication
from app.services.maps import Classing, MapFilter, ReportScope, report_data, report_pdf
from app.services.maps.report import MAP_URL, _fetcher, picture, report_maps
from geo.errors import NotFound
from geo.maps.render import Picture, render, scale_km

LINE = ReportScope().poverty_line


@pytest.fixture
def city(conn, settings):
    load_sample_city(conn, settings.hmac_key())
    return conn


def active_programs(conn, ref: date = REF, desil_max: int = 4) -> list[set[str]]:
    """Per target household, the codes of the programs it is actively enrolled in."""
    codes = dict(conn.execute(text("SELECT id, kode_program FROM program")).all())
    active: dict[int, set[str]] = defaultdict(set)
    for e in conn.execute(text("SELECT household_id, program_id, tanggal_mulai, "
                               "tanggal_selesai FROM enrollment "
                               "WHERE household_id IS NOT NULL")):
        if e.tanggal_mulai <= ref and (e.tanggal_selesai is None or ref <= e.tanggal_selesai):
            active[e.household_id].add(codes[e.program_id])
    return [active[h.id] for h in conn.execute(text(
        "SELECT id FROM household WHERE status_verifikasi = 'terverifikasi' "
        "AND desil <= :d"), {"d": desil_max})]


def expected_p0(conn) -> float:
    """Share of persons in households below the poverty line (person-weighted, every household
    with an expenditure)."""
    rows = conn.execute(text("SELECT jumlah_anggota, pengeluaran_per_kapita FROM household "
                             "WHERE pengeluaran_per_kapita IS NOT NULL")).all()
    return sum(n for n, y in rows if y < LINE) / sum(n for n, _ in rows)


def expected_p1(conn) -> float:
    """Mean poverty gap ratio, person-weighted over every household with an expenditure."""
    rows = conn.execute(text("SELECT jumlah_anggota, pengeluaran_per_kapita FROM household "
                             "WHERE pengeluaran_per_kapita IS NOT NULL")).all()
    return sum(n * max(0.0, (LINE - float(y)) / LINE) for n, y in rows) / \
        sum(n for n, _ in rows)


def id_percent(share: float, decimals: int = 1) -> str:
    return f"{share * 100:.{decimals}f} %".replace(".", ",")


def numbers_after(line: str, label: str) -> list[str]:
    """The whole numbers (id-ID) of a table line after its ``label`` cell."""
    rest = line[line.index(label) + len(label):]
    return re.findall(r"(?<![\d.,])\d[\d.]*(?![\d,])", rest)


def pdf_text(pdf: bytes, tmp_path: Path, *pages: str) -> str:
    path = tmp_path / "laporan.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def overlapping_words(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """Pairs of words printed over each other on one line of a page (pdftotext's word boxes):
    text that ran out of its table cell into the next one."""
    path = tmp_path / "laporan-kotak.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    found = []
    for page in html.split("<page ")[1:]:
        lines: dict[float, list[tuple[float, float, str]]] = defaultdict(list)
        for x0, y0, x1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<',
                page):
            lines[round(float(y0))].append((float(x0), float(x1), word))
        for words in lines.values():
            words.sort()
            found += [(a[2], b[2]) for a, b in zip(words, words[1:], strict=False)
                      if a[1] > b[0] + 0.5]
    return found


def id_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_report_holds_the_independently_computed_totals(city, tmp_path):
    pdf = report_pdf(city, "64.74", MapFilter(REF, 4, None, None, "64.74"),
                     ReportScope(LOCAL_ADMIN))
    assert pdf.startswith(b"%PDF")
    body = pdf_text(pdf, tmp_path)
    per_kelurahan = expected_by_kelurahan(city)
    total = {k: sum(r[k] for r in per_kelurahan.values()) for k in COUNT_COLUMNS}
    # The "Jumlah" row of the kelurahan table: every count in order, then the rate.
    jumlah = [line for line in body.splitlines() if line.strip().startswith("Jumlah")]
    assert jumlah, body
    numbers = re.findall(r"\d[\d.]*(?:,\d+ %)?", jumlah[-1])
    assert numbers[:5] == [id_number(total[k]) for k in COUNT_COLUMNS[:5]]
    rate = total["covered"] / total["targets"]
    assert f"{rate * 100:.1f} %".replace(".", ",") in jumlah[-1]
    assert id_number(total["leakage"]) in jumlah[-1]
    # Each kelurahan's row, by its code.
    for kode, row in per_kelurahan.items():
        line = next(x for x in body.splitlines() if x.strip().startswith(kode))
        found = re.findall(r"(?<![\d.,])\d[\d.]*(?![\d,])", line[len(kode) + 3:])
        assert found[:6] == [id_number(row[k]) for k in COUNT_COLUMNS], (kode, line)
    for heading in ("Cakupan per kecamatan", "Cakupan per kelurahan",
                    "Matriks tumpang tindih program", "Sepuluh kelurahan dengan kesenjangan",
                    "Aturan yang dipakai", "Halaman 1 dari", "P0", "1 Jun 2025"):
        assert heading in body
    # Ten largest gaps, in order, by name.
    gaps = sorted(per_kelurahan.items(), key=lambda kv: (-kv[1]["gap"], kv[0]))
    names = dict(city.execute(text("SELECT kode, nama FROM wilayah")).all())
    # The report names its area as loaded: cover and summary heading.
    assert f"{names['64.74']} (64.74)" in body and f"Ringkasan {names['64.74']}" in body
    top = body[body.index("Sepuluh kelurahan"):body.index("Aturan yang dipakai")]
    for rank, (kode, row) in enumerate(gaps[:10], start=1):
        line = next(x for x in top.splitlines() if re.match(rf"\s*{rank}\s+\S", x))
        assert names[kode] in line and id_number(row["gap"]) in line.split(), (rank, line)
    # The kecamatan table: each row the sum of its kelurahan, its Jumlah the same totals.
    tables = body[body.index("Cakupan per kecamatan"):body.index("Cakupan per kelurahan")]
    for kecamatan in {k[:8] for k in per_kelurahan}:
        line = next(x for x in tables.splitlines() if x.strip().startswith(kecamatan))
        sums = [sum(r[c] for k, r in per_kelurahan.items() if k.startswith(kecamatan + "."))
                for c in COUNT_COLUMNS]
        found = numbers_after(line, kecamatan)
        assert found[:6] == [id_number(n) for n in sums], (kecamatan, line)
    kecamatan_jumlah = next(x for x in tables.splitlines() if x.strip().startswith("Jumlah"))
    assert numbers_after(kecamatan_jumlah, "Jumlah")[:6] == [id_number(total[k])
                                                           for k in COUNT_COLUMNS]
    # Every header fits its column (Kesenjangan ran into Cakupan, Kebocoran into P0).
    assert overlapping_words(pdf, tmp_path) == []
    # The summary's P0, person-weighted over every household with an expenditure.
    p0 = next(x for x in body.splitlines() if "P0 (persentase penduduk miskin)" in x)
    assert p0.split()[-2:] == id_percent(expected_p0(city)).split()
    p1 = next(x for x in body.splitlines() if "P1 (indeks kedalaman)" in x)
    assert p1.split()[-2:] == id_percent(expected_p1(city), 2).split()  # two decimals
    # The overlap matrix: targets active in both programs (the diagonal: in the program).
    targets = active_programs(city)
    matrix = body[body.index("Matriks tumpang tindih program"):body.index("Sepuluh kelurahan")]
    codes = sorted(city.execute(text("SELECT kode_program FROM program")).scalars())
    grid = [cells for cells in (re.sub(r"^\s*[A-Z][A-Z-]*", "", x).split()
                                for x in matrix.splitlines())
            if len(cells) == len(codes) and all(c.replace(".", "").isdigit() for c in cells)]
    assert grid == [[id_number(sum(1 for t in targets if a in t and b in t)) for b in codes]
                    for a in codes]
    # The cover names the area and the date; the two maps are pictures inside.
    cover = pdf_text(pdf, tmp_path, "-f", "1", "-l", "1")
    assert "Kota Bontang (64.74)" in cover and "1 Jun 2025" in cover
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "laporan.pdf")], check=True,
                            capture_output=True, text=True).stdout.splitlines()[2:]
    assert len(images) >= 2


VIEWER = Principal(username="pimpinan", role="viewer")
SMALL = 1  # desil threshold at which the sample city has counts of 1-4 to hide on 1 Jun 2025


def test_viewer_report_shows_no_count_from_one_to_four(city, client_as, tmp_path):
    response = client_as("viewer").get("/api/v1/map/report.pdf",
                                       params={"ref_date": REF.isoformat(),
                                               "desil_max": SMALL})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    body = pdf_text(response.content, tmp_path)
    per_kelurahan = expected_by_kelurahan(city, desil_max=SMALL)
    small = [(k, c) for k, r in per_kelurahan.items() for c in COUNT_COLUMNS if 1 <= r[c] <= 4]
    assert small, "the sample city has small counts to hide"
    assert "<5" in body
    # Every table cell of a count: no 1-4 left (codes, dates, percentages and page numbers are
    # not counts: only the tables' whole numbers are checked).
    tables = body[body.index("Cakupan per kecamatan"):body.index("Aturan yang dipakai")]
    for line in tables.splitlines():
        if not re.search(r"64\.74|Jumlah|^\s*[A-Z][A-Z-]+\s", line):
            continue
        line = re.sub(r"^\s*\d+\s{2,}", "", line)  # the rank in the largest-gaps table
        cells = re.findall(r"(?<![\d.,%])\b\d+\b(?![.,]\d| %|\.\d)", line)
        assert not [c for c in cells if c in ("1", "2", "3", "4")
                    and not re.search(rf"64\.74\.0{c}", line)], line


def test_a_program_report_per_area_is_refused_to_a_viewer(city, client_as):
    """Per-area figures of one program tie the tables together through the household mix:
    the page, the API and the report refuse them alike to roles without person access."""
    response = client_as("viewer").get("/api/v1/map/report.pdf",
                                       params={"ref_date": REF.isoformat(),
                                               "program": "PELATIHAN-KERJA"})
    assert response.status_code == 403
    assert "per program" in response.json()["error"]["message"]


def test_viewer_report_is_the_protected_publication(city, settings):
    """Every count of the report is the one the protected publication gives a viewer (so it
    holds against the relations, not just <5 cell by cell), honest against the rows counted
    here; the matrix is the whole scope's."""
    data = report_data(city, "64.74", MapFilter(REF, SMALL, None, None, "64.74"),
                       ReportScope(VIEWER, settings.poverty_line))
    pub = publication(city, VIEWER, ref_date=REF, desil_max=SMALL)
    expected = expected_by_kelurahan(city, desil_max=SMALL)
    for level in ("kecamatan", "kelurahan"):
        published = {r["kode"]: r for r in pub.areas(level, "64.74")}
        for row in data["tables"][level]["rows"]:
            assert {c: row[c] for c in COUNT_COLUMNS} == \
                {c: published[row["kode"]][c] for c in COUNT_COLUMNS}
            true = {c: sum(v[c] for k, v in expected.items() if k.startswith(row["kode"]))
                    for c in COUNT_COLUMNS}
            assert all(honest(row[c], true[c]) for c in COUNT_COLUMNS), (row, true)
        total = data["tables"][level]["total"]
        assert {c: total[c] for c in COUNT_COLUMNS} == \
            {c: pub.total("64.74")[c] for c in COUNT_COLUMNS}
    assert data["matrix"]["matrix"] == pub.overlap(None)["matrix"]
    cells = [r[c] for r in data["tables"]["kelurahan"]["rows"] for c in COUNT_COLUMNS]
    # The sample city needs complementary suppression: primary suppression alone (<5 only)
    # would publish no "x" and fail the equality above.
    assert "x" in cells and "<5" in cells
    assert all(isinstance(r["gap"], int) for r in data["top_gaps"])


def test_report_maps_are_classed_as_the_page(city, settings):
    """The report's maps are classed over its own kelurahan table (not queried again): the
    same kelurahan, colours and legend as the page's picture of the area, for an admin and
    for a viewer (rates built on hidden counts withheld: "tidak ada data")."""
    for principal, desil in ((LOCAL_ADMIN, 4), (VIEWER, SMALL)):
        scope = ReportScope(principal, settings.poverty_line)
        flt = MapFilter(REF, desil, None, None, "64.74")
        data = report_data(city, "64.74", flt, scope)
        maps = report_maps(city, flt, scope, data)
        for pic, figure in zip(maps, ("coverage_rate", "gap"), strict=True):
            page = picture(city, flt, Classing(figure=figure), scope)
            assert len(pic.areas) == 15
            assert [(f["properties"]["kode"], f["properties"]["warna"]) for f in pic.areas] \
                == [(f["properties"]["kode"], f["properties"]["warna"]) for f in page.areas]
            assert (pic.title, pic.legend) == (page.title, page.legend)
        assert len({f["properties"]["warna"] for f in maps[1].areas}) >= 3
        if principal is VIEWER:
            legends = [label for m in maps for label, _ in m.legend]
            assert "Tidak ada data (2)" in legends, legends  # two rates withheld


def test_the_report_fetches_its_maps_and_nothing_else():
    """WeasyPrint gets the maps from memory; any other address (a file, the network) is
    refused, so nothing in the data can make the report read one."""
    fetch = _fetcher([b"peta-0", b"peta-1"])
    assert fetch(MAP_URL.format(1)).read() == b"peta-1"
    for url in ("file:///etc/passwd", "http://127.0.0.1/", MAP_URL.format(2)):
        with pytest.raises(ValueError, match="sumber luar"):
            fetch(url)


def test_map_picture_for_a_view_and_its_scale_bar(city, client):
    response = client.get("/api/v1/map/image.png", params={
        "ref_date": REF.isoformat(), "figure": "gap", "bbox": "117.40,0.05,117.52,0.20"})
    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")
    assert "peta-gap" in response.headers["content-disposition"]
    bad = client.get("/api/v1/map/image.png", params={"bbox": "1,2,3"})
    assert bad.status_code == 422 and "bbox" in bad.json()["error"]["message"]
    # About a fifth of the width, rounded: 13 km across gives a 2 km bar, 0.9 km gives 0.1 km.
    assert (scale_km(13.0), scale_km(0.9), scale_km(260.0)) == (2, 0.1, 50)


def test_the_picture_of_an_area_bound_analyst_is_titled_with_their_area(city):
    """Not "Semua wilayah": an analyst bound to Bontang Barat sees only that kecamatan."""
    analyst = Principal("uji-analis", "analyst", area_prefixes=("64.74.03",))
    pic = picture(city, MapFilter(REF, 4, None, None, None), Classing(figure="gap"),
                  ReportScope(analyst))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", render(pic, "svg").decode())
    assert "Bontang Barat · tanggal acuan 1 Jun 2025 · sasaran desil ≤ 4" in texts
    assert not any("Semua wilayah" in t for t in texts)


def test_the_picture_of_a_kecamatan_is_titled_with_its_name_an_unknown_code_with_itself(city):
    def subtitle(parent: str) -> str:
        pic = picture(city, MapFilter(REF, 4, None, None, parent), Classing(figure="gap"),
                      ReportScope(LOCAL_ADMIN))
        return pic.subtitle.split(" · ")[0]

    assert subtitle("64.74.03") == "Bontang Barat"
    # A code with no loaded area of its own (its kelurahan are loaded) keeps its code.
    city.execute(text("SAVEPOINT s"))
    city.execute(text("UPDATE wilayah SET kode = '64.74.93' WHERE kode = '64.74.03'"))
    try:
        assert subtitle("64.74.03") == "64.74.03"
    finally:
        city.execute(text("ROLLBACK TO SAVEPOINT s"))


def test_map_picture_holds_title_legend_scale_north_arrow_date_and_source(city, client):
    per_kelurahan = expected_by_kelurahan(city)
    pic = picture(city, MapFilter(REF, 4, None, None, None), Classing(figure="gap"),
                  ReportScope(LOCAL_ADMIN))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", render(pic, "svg").decode())
    assert "Kesenjangan (RT) per kelurahan" in texts
    assert "Semua wilayah · tanggal acuan 1 Jun 2025 · sasaran desil ≤ 4" in texts
    assert "U" in texts  # the north arrow
    assert any(re.fullmatch(r"\d+(,\d)? km", t) for t in texts)  # the scale bar
    assert any(t.startswith("Sumber: Sasaran") and "MIT" in t for t in texts)
    # The legend: whole-number classes of the gap counts, one row per class with its number
    # of kelurahan, the largest bound the largest gap of a kelurahan.
    classes = [t for t in texts if re.fullmatch(r"\d[\d.]*( – \d[\d.]*)? \(\d+\)", t)]
    kelurahan = json.loads((SAMPLES / "kota_kelurahan.geojson").read_text())["features"]
    with_targets = [r for r in per_kelurahan.values() if r["targets"]]
    no_data = [t for t in texts if t.startswith("Tidak ada data")]
    assert sum(int(t.rsplit("(", 1)[1].rstrip(")")) for t in classes + no_data) == len(kelurahan)
    assert classes[-1].split(" (")[0].split(" – ")[-1] == id_number(
        max(r["gap"] for r in with_targets))
    # The page's "Unduh PNG" is this very picture.
    png = client.get("/api/v1/map/image.png", params={"ref_date": REF.isoformat(),
                                                      "figure": "gap"})
    assert png.content == render(pic)


def test_a_picture_without_any_area_is_a_clear_not_found():
    empty = Picture(title="x", subtitle="x", areas=[], legend_title="x", legend=[], source="x")
    with pytest.raises(NotFound, match="Tidak ada wilayah untuk digambar"):
        render(empty)
