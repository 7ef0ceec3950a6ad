"""End to end: the app served by uvicorn on loopback, /map opened in Debian's headless Chromium.

The app runs on its own throwaway database (created in the test cluster, dropped afterwards),
because a server in another thread cannot see the rolled-back transaction of the ``conn``
fixture. The page must load without any console error or failed request (there is no basemap:
``?basemap=none``), show the legend and the layers, and reload when a filter changes.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import subprocess
from pathlib import Path

import pytest
from map_pages import (
    Watch,
    boxes_overlap,
    count,
    detail,
    expected,
    expected_covered,
    map_server,
    open_map,
    screen_point,
    total,
)
from map_world import HOUSEHOLDS, KELURAHAN, PROGRAMS, REF, expected_status

from app.principal import Principal
from app.services.maps import POINT_MIN_ZOOM

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def browser(chromium):
    """The session's one Chromium (tests/browser.py): playwright's sync API runs once per
    thread, so every browser test shares it."""
    return chromium


def _kelurahan_count(wilayah_dir: Path) -> int:
    return len(json.loads((wilayah_dir / "bontang_kelurahan.geojson").read_text())["features"])


def _all_layers_on(page) -> None:
    page.click(".layers-toggle")
    for box in page.locator(".layers-item input[type=checkbox]").all():
        if not box.is_checked():
            box.check()
    page.click(".layers-toggle")


def test_map_page_loads_offline_with_legend_layers_and_filters(browser, live_url, wilayah_dir):
    page, watch = open_map(browser, f"{live_url}/map?ref_date={REF.isoformat()}")
    # No basemap configured: the no-basemap style, and not one request leaves the app.
    assert page.locator(".folium-map.no-basemap").count() == 1
    assert all(u.startswith(live_url) for u in watch.urls), watch.urls
    # The whole city is in view at first (the point layers' zoom range must not lock the map).
    assert page.evaluate("""() => { const p = window.SasaranMap.page;
        return p.map.getBounds().contains(p.choropleth.getBounds()); }""")
    # ... and below the points' minimum zoom only area-aggregate tiles are fetched (the same
    # URL answers with one feature per area there), never a zoom that draws points.
    zooms = [int(u.split("/tiles/")[1].split("/")[1]) for u in watch.urls if "/tiles/" in u]
    assert all(z < POINT_MIN_ZOOM for z in zooms), watch.urls
    legend = page.inner_text(".sasaran-legend")
    assert "Tidak ada data" in legend and "Kuantil" in legend
    counts = [count(c.strip("()")) for c in
              page.locator(".legend-classes .legend-count").all_inner_texts()]
    assert sum(counts) == _kelurahan_count(wilayah_dir)
    # Swatches show the fill as drawn: the class colour at the polygons' opacity over white.
    swatch = page.locator(".legend-classes .swatch").first
    colour, drawn = swatch.get_attribute("data-color"), swatch.evaluate(
        "s => getComputedStyle(s).backgroundColor")
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    assert drawn == "rgb({}, {}, {})".format(*(round(c * 0.75 + 255 * 0.25) for c in rgb))
    # The layer list is one collapsed button, grouped once opened.
    assert page.locator(".layers-body").is_hidden()
    page.click(".layers-toggle")
    groups = [g.strip() for g in page.locator(".layers-group legend").all_inner_texts()]
    assert groups[:3] == ["Peta dasar", "Wilayah", "Program"] and "Rencana" in groups
    names = [n.strip() for n in page.locator(".layers-label").all_inner_texts()]
    for name in ("Angka per wilayah (choropleth)", "Batas kecamatan", "Nama wilayah",
                 "Rumah tangga sasaran", *(f"Program: {nama}" for nama, _ in PROGRAMS.values())):
        assert name in names, names
    note = page.locator('.layers-item:has(input[data-layer="program:ZAKAT"]) .zoom-note')
    assert "perbesar untuk melihat titik" in note.inner_text()
    page.click(".layers-toggle")
    assert count(total(page, "Tercakup")) == expected_covered()
    # Leaflet's controls speak Indonesian; the scale bar is metric only.
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "Perbesar"
    scale = page.locator(".leaflet-control-scale-line").all_inner_texts()
    assert len(scale) == 1 and ("km" in scale[0] or " m" in scale[0])
    # Title bar, layer button, legend and zoom never cover each other.
    boxes = [page.locator(sel).bounding_box() for sel in (
        ".sasaran-title", ".sasaran-layers", ".sasaran-legend", ".leaflet-control-zoom",
        ".leaflet-control-scale")]
    assert not any(boxes_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])

    # Zoom to the households and switch the ZAKAT program layer on: its tiles must load.
    # (The planning panel fits the view to its layer when its data arrives: let it settle.)
    page.wait_for_load_state("networkidle")
    zoom_in = """(kode) => { const p = window.SasaranMap.page;
        const b = p.choropleth.getLayers().find(l => l.feature.properties.kode === kode);
        p.map.setView(b.getBounds().getCenter(), 15); }"""
    page.evaluate(zoom_in, KELURAHAN)
    page.click(".layers-toggle")
    with page.expect_response(lambda r: "/tiles/enrolled/" in r.url and "program=ZAKAT" in r.url):
        page.get_by_label("Program: Zakat produktif").check()
    assert note.inner_text() == ""
    page.click(".layers-toggle")
    page.wait_for_load_state("networkidle")
    if not any("/tiles/households/15/" in u for u in watch.urls):
        # A late fit of the view (the planning panel's layer arriving) moved the map away
        # from zoom 15 before its point tiles were asked: zoom in again and wait for them.
        with page.expect_response(lambda r: "/tiles/households/15/" in r.url, timeout=15000):
            page.evaluate(zoom_in, KELURAHAN)
    assert any("/tiles/households/15/" in u for u in watch.urls)

    # A filter reloads the figures: only PKH enrollments count now, and the title says so
    # (the PNG and the report are made of it).
    assert page.locator(".sasaran-title .title-filter").count() == 0
    page.select_option("#sasaran-filters select[name=program]", "PKH")
    page.click("#sasaran-filters button[type=submit]")
    page.wait_for_selector("body[data-map-ready='1']")
    page.wait_for_load_state("networkidle")
    assert any("/api/v1/map/figures" in u and "program=PKH" in u for u in watch.urls)
    assert count(total(page, "Tercakup")) == expected_covered(program="PKH")
    assert page.locator(".sasaran-title .title-filter").inner_text() == \
        f"Program: {PROGRAMS['PKH'][0]} (PKH)"

    page.wait_for_timeout(300)  # let the canvas tiles paint before the picture
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map.png"))
    assert watch.problems == []
    page.close()


def test_click_opens_the_panel_with_the_kelurahan_s_figures_in_every_layer_combination(
        browser, live_url):
    page, watch = open_map(browser, f"{live_url}/map?ref_date={REF.isoformat()}")
    _all_layers_on(page)  # outlines, labels, points, every program: none may take the mouse
    x, y = screen_point(page, KELURAHAN)
    page.mouse.move(x, y)
    tooltip = page.locator(".area-tooltip")
    tooltip.wait_for()
    assert "Gunung Telihan" in tooltip.inner_text()
    page.mouse.click(x, y)
    page.wait_for_selector(f"#sasaran-detail[data-kode='{KELURAHAN}']")
    shown = detail(page)
    assert count(shown["targets"]) == expected()
    assert count(shown["covered"]) == expected_covered()
    assert count(shown["gap"]) == expected("gap")
    assert count(shown["overlap"]) == expected("overlap")
    rate = expected_covered() / expected()
    assert shown["coverage_rate"] == f"{rate * 100:.1f} %".replace(".", ",")
    # Every household of the world spends Rp 300.000 a head, under the default line: P1 and P2
    # with two decimals, as on Beranda (32,04 % and 10,27 %; one decimal would read 32,0 / 10,3).
    depth = (441_448 - 300_000) / 441_448
    assert shown["p1"] == f"{depth * 100:.2f} %".replace(".", ",")
    assert shown["p2"] == f"{depth * depth * 100:.2f} %".replace(".", ",")
    pkh = page.locator("#sasaran-detail tr[data-program='PKH'] td").all_inner_texts()
    pkh_covered = sum(1 for hh in HOUSEHOLDS if expected_status(hh, program="PKH") in
                      ("one", "overlap"))
    assert count(pkh[1]) == pkh_covered
    gaps = page.locator("#sasaran-detail .detail-gaps li").all_inner_texts()
    assert len(gaps) == expected("gap")
    assert "Gunung Telihan" in page.inner_text(".sasaran-title")
    assert "pilih=" + KELURAHAN in page.url
    assert watch.problems == []
    page.close()


def test_drill_down_from_kecamatan_to_kelurahan_and_back_up(browser, live_url):
    page, watch = open_map(browser, f"{live_url}/map?ref_date={REF.isoformat()}&level=kecamatan")
    assert page.evaluate("SasaranMap.page.choropleth.getLayers().length") == 3
    x, y = screen_point(page, KELURAHAN[:8], "kecamatan")
    # The household layer follows the drill: its tiles are asked for that kecamatan only.
    with page.expect_request(lambda r: "/tiles/households/" in r.url
                             and "kecamatan=64.74.03" in r.url):
        page.mouse.click(x, y)
    page.wait_for_selector("body[data-map-ready='1']")
    page.wait_for_function("() => SasaranMap.page.state.level === 'kelurahan'")
    assert "Bontang Barat" in page.inner_text(".sasaran-title")
    # Zoomed to the kecamatan; its kelurahan are the choropleth, the figures scoped to it.
    inside = page.evaluate("""() => { const p = SasaranMap.page; return p.choropleth.getLayers()
        .filter(l => l.feature.properties.kode.startsWith('64.74.03.'))
        .every(l => p.map.getBounds().intersects(l.getBounds())); }""")
    assert inside
    assert "kecamatan=64.74.03" in page.url
    assert any("kecamatan=64.74.03" in u and "/api/v1/map/figures" in u for u in watch.urls)
    page.locator(".sasaran-title button.crumb").first.click()  # "Semua wilayah"
    page.wait_for_selector("body[data-map-ready='1']")
    assert "kecamatan=" not in page.url
    assert watch.problems == []
    page.close()


def _asked(watch: Watch, part: str) -> list[str]:
    return [u for u in watch.urls if part in u]


def test_the_first_view_asks_each_of_its_data_once_and_the_ranking_after(browser, live_url):
    page, watch = open_map(browser, f"{live_url}/map?ref_date={REF.isoformat()}&figure=gap")
    page.wait_for_selector("#sasaran-rollout[data-ready='1']")
    page.wait_for_load_state("networkidle")
    # Preloaded with the page and used by its script: one request each, not two.
    assert len(_asked(watch, "/api/v1/map/figures")) == 1, watch.urls
    assert "figure=gap" in _asked(watch, "/api/v1/map/figures")[0]
    wilayah = _asked(watch, "/api/v1/wilayah")
    assert sorted(u.rsplit("level=", 1)[1] for u in wilayah) == ["kabkota", "kecamatan",
                                                                 "kelurahan"]
    # Tiles of the fitted view only (none of the placeholder view before it), each once.
    tiles = _asked(watch, "/tiles/")
    zoom = page.evaluate("SasaranMap.page.map.getZoom()")
    assert tiles and len(tiles) == len(set(tiles)), tiles
    assert {int(u.split("/tiles/")[1].split("/")[1]) for u in tiles} == {zoom}, tiles
    # The planning ranking (a pass over every household) waits for the map to be drawn.
    ready_ms = float(page.get_attribute("body", "data-map-ready-ms") or 0)
    started = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(e => e.name.includes('/api/v1/rollout/priorities')).map(e => e.startTime)""")
    assert len(started) == 1 and started[0] >= ready_ms - 1, (started, ready_ms)
    assert page.inner_text("#sasaran-rollout .sasaran-rollout-status") == ""
    assert page.locator("#sasaran-rollout .sasaran-rollout-priorities li").count() > 0
    assert watch.problems == []
    page.close()


def test_a_copied_link_reopens_the_same_view(browser, live_url):
    page, _ = open_map(browser, f"{live_url}/map?ref_date={REF.isoformat()}")
    page.select_option("#sasaran-filters select[name=figure]", "gap")
    page.select_option("#sasaran-filters select[name=scheme]", "pretty")
    page.select_option("#sasaran-filters select[name=ramp]", "viridis")
    page.select_option("#sasaran-filters select[name=program]", "ZAKAT")
    page.click("#sasaran-filters button[type=submit]")
    page.wait_for_selector("body[data-map-ready='1']")
    page.evaluate("SasaranMap.page.map.setView([0.137, 117.452], 14)")
    page.click(".layers-toggle")
    page.locator('input[data-layer="labels"]').uncheck()
    page.click(".layers-toggle")
    page.click(".copy-link")
    link = page.locator(".panel-link").input_value()
    assert link == page.url
    page.close()
    again, watch = open_map(browser, link)
    state = again.evaluate("SasaranMap.page.state")
    assert (state["figure"], state["scheme"], state["ramp"], state["program"]) == (
        "gap", "pretty", "viridis", "ZAKAT")
    assert again.evaluate("SasaranMap.page.map.getZoom()") == 14
    assert again.input_value("#sasaran-filters select[name=figure]") == "gap"
    assert not again.evaluate("SasaranMap.page.map.hasLayer(SasaranMap.page.layers.labels)")
    assert "Kesenjangan (RT)" in again.inner_text(".sasaran-title")
    # The preload is spelled as the page script spells its request for this state too.
    assert len(_asked(watch, "/api/v1/map/figures")) == 1, watch.urls
    assert watch.problems == []
    again.close()


def _dead_basemap() -> tuple[int, str]:
    """A basemap URL on a port nobody listens on (connection refused), and that port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return port, f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"


def test_unreachable_basemap_falls_back_once_without_a_console_flood(browser, browser_db,
                                                                      tmp_path):
    port, dead = _dead_basemap()
    with map_server(browser_db, tmp_path, Principal("uji-peta", "admin"), tile_url=dead,
                 tile_light_url=None) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 850})
        watch = Watch(page)
        page.goto(f"{url}/map?ref_date={REF.isoformat()}")
        page.wait_for_selector("body[data-map-ready='1']", timeout=15000)
        page.wait_for_selector(".folium-map.no-basemap")
        page.wait_for_timeout(500)
        assert "Peta dasar tidak dapat dimuat" in page.inner_text(".panel-notice")
        # One probe tile, not a flood: its failed request and its one console line.
        failed = [p for p in watch.problems if p.startswith("failed:")]
        assert len(failed) == 1 and f"127.0.0.1:{port}/" in failed[0], watch.problems
        assert [p for p in watch.problems if not p.startswith("failed:")] == [
            "console: Failed to load resource: net::ERR_CONNECTION_REFUSED"]
        assert len([u for u in watch.urls if f":{port}/" in u]) <= 1
        page.close()


def test_both_notices_show_when_a_viewer_opens_a_filtered_link_without_a_basemap(
        browser, browser_db, tmp_path):
    """A closed network (no basemap) and a shared ?program= link on one opening: the panel
    says both, neither replaces the other."""
    _, dead = _dead_basemap()
    with map_server(browser_db, tmp_path, Principal("uji-pimpinan", "viewer"), tile_url=dead,
                    tile_light_url=None) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 850})
        page.goto(f"{url}/map?ref_date={REF.isoformat()}&program=PKH")
        page.wait_for_selector("body[data-map-ready='1']", timeout=15000)
        page.wait_for_selector(".folium-map.no-basemap")
        notice = page.inner_text(".panel-notice")
        assert "Peta dasar tidak dapat dimuat" in notice, notice
        assert "Filter program dan instansi per wilayah hanya untuk peran" in notice, notice
        page.close()


def test_narrow_screen_map_fills_the_screen_and_the_panel_is_a_bottom_sheet(browser, live_url):
    page, watch = open_map(browser, f"{live_url}/map?ref_date={REF.isoformat()}", 390, 844)
    map_box = page.locator(".folium-map").bounding_box()
    header = page.locator("header.kepala").bounding_box()
    sheet = page.locator("#sasaran-panel").bounding_box()
    # The map fills everything between the app's header and the folded sheet.
    assert map_box["width"] == 390 and map_box["y"] == header["y"] + header["height"]
    assert map_box["y"] + map_box["height"] >= 844 - 60
    assert sheet["height"] <= 60 and sheet["y"] >= 844 - 60  # folded to its handle
    assert page.locator(".legend-body").is_hidden()  # the legend starts folded too
    x, y = screen_point(page, KELURAHAN)
    page.mouse.click(x, y)
    page.wait_for_selector(f"#sasaran-detail[data-kode='{KELURAHAN}']")
    # The sheet slides up (a CSS transition): wait for it to settle, not a fixed time. The
    # predicate is a function: playwright evals a string again on every poll, which the page's
    # CSP (no 'unsafe-eval') refuses; a function is evaled once, in the first (allowed) call.
    page.wait_for_function("() => document.getElementById('sasaran-panel')"
                           ".getBoundingClientRect().height > 844 * 0.5", timeout=10000)
    opened = page.locator("#sasaran-panel").bounding_box()
    assert opened["height"] > 844 * 0.5 and opened["width"] == 390
    # The chosen kelurahan is fitted into the strip of map above the sheet, below the title
    # bar, not behind the sheet (waited for: the view animates to it).
    page.wait_for_function("""([kode, sheetTop]) => { const p = SasaranMap.page;
        let found = null;
        p.choropleth.eachLayer(l => { if (l.feature.properties.kode === kode) found = l; });
        const b = found.getBounds(), r = p.map.getContainer().getBoundingClientRect();
        const ne = p.map.latLngToContainerPoint(b.getNorthEast());
        const sw = p.map.latLngToContainerPoint(b.getSouthWest());
        const title = document.querySelector('.sasaran-title').getBoundingClientRect();
        return r.top + sw.y <= sheetTop + 1 && r.top + ne.y >= title.bottom - 1
            && sw.y - ne.y > 50; }""", arg=[KELURAHAN, opened["y"]], timeout=10000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-390.png"))
    assert watch.problems == []
    page.close()


def test_viewer_sees_hexagons_by_figure_and_small_counts_hidden_in_the_panel(browser,
                                                                            viewer_url):
    page, watch = open_map(browser, f"{viewer_url}/map?ref_date={REF.isoformat()}&figure=gap")
    # The map is usable before its hexagons are drawn; they come on their own.
    page.wait_for_selector("body[data-hexagons-ready='1']")
    assert page.locator(".legend-hexagons").inner_text().startswith("Heksagon: Kesenjangan")
    assert page.locator(".legend-points").inner_text() == ""
    assert not any("/tiles/" in u for u in watch.urls)
    # The hexagons are preloaded with the page, alongside the figures (not after them), and
    # that one request is the one the script uses.
    page.wait_for_load_state("networkidle")
    hexagons = _asked(watch, "/api/v1/map/hexagons")
    assert len(hexagons) == 1 and "figure=gap" in hexagons[0], watch.urls
    starts = page.evaluate("""() => Object.fromEntries(performance.getEntriesByType('resource')
        .filter(e => /map\\/(figures|hexagons)/.test(e.name))
        .map(e => [e.name.includes('hexagons') ? 'hexagons' : 'figures', e.startTime]))""")
    assert starts["hexagons"] < starts["figures"] + 50, starts
    x, y = screen_point(page, KELURAHAN)
    page.mouse.click(x, y)  # on a hexagon: the kelurahan below opens
    page.wait_for_selector(f"#sasaran-detail[data-kode='{KELURAHAN}']")
    shown = detail(page)
    gaps = expected("gap")
    assert shown["gap"] == ("<5" if 1 <= gaps <= 4 else str(gaps))
    assert page.locator("#sasaran-detail .detail-gaps").count() == 0
    # The tooltip (the kelurahan's figure and the hexagon's counts) stays on the map, wherever
    # the mouse is: just left of the middle, where Leaflet still opens it to the right.
    box = page.locator(".folium-map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2 - 20, box["y"] + box["height"] / 2)
    tooltip = page.locator(".area-tooltip")
    tooltip.wait_for()
    assert "Heksagon" in tooltip.inner_text()
    tip = tooltip.bounding_box()
    assert box["x"] <= tip["x"] and tip["x"] + tip["width"] <= box["x"] + box["width"], (tip, box)
    assert watch.problems == []
    page.close()


def test_viewer_opening_a_link_with_a_program_filter_gets_the_map_without_it_and_why(
        browser, viewer_url):
    """Per-area figures under a program or agency are not published to this role: a link
    carrying one (shared by an analyst) opens the unfiltered map with a notice, not a 403."""
    page, watch = open_map(browser, f"{viewer_url}/map?ref_date={REF.isoformat()}&figure=gap"
                                    "&program=PKH&agency=DINSOS")
    page.wait_for_selector("body[data-hexagons-ready='1']")
    notice = page.locator(".panel-notice").inner_text()
    assert notice.startswith("Filter program dan instansi per wilayah hanya untuk peran"), notice
    assert page.locator("select[name=program], select[name=agency]").count() == 0
    assert "Beranda (Cakupan per program)" in page.locator(".panel-filters-note").inner_text()
    data = [u for u in watch.urls if "/api/v1/map/" in u]
    assert data and not any("program=" in u or "agency=" in u for u in data), data
    x, y = screen_point(page, KELURAHAN)
    page.mouse.click(x, y)
    page.wait_for_selector(f"#sasaran-detail[data-kode='{KELURAHAN}']")
    gaps, filtered = expected("gap"), expected("gap", program="PKH")
    assert gaps != filtered  # the world tells the two apart
    assert detail(page)["gap"] == ("<5" if 1 <= gaps <= 4 else str(gaps))
    assert watch.problems == []
    page.close()


def test_map_page_in_english(browser, live_url):
    page, watch = open_map(browser, f"{live_url}/map?lang=en&ref_date={REF}")
    assert "No data" in page.inner_text(".sasaran-legend")
    page.click(".layers-toggle")
    assert "Target households" in page.inner_text(".layers-body")
    assert watch.problems == []
    page.close()


def test_shared_copy_is_self_contained_without_household_points(browser, browser_db, tmp_path,
                                                                 monkeypatch):
    from typer.testing import CliRunner

    from app.cli.base import cli, engine

    monkeypatch.setenv("DATABASE_URL", browser_db)
    monkeypatch.setenv("SASARAN_DATA_DIR", str(tmp_path))
    engine.cache_clear()
    out = tmp_path / "peta.html"
    result = CliRunner().invoke(cli, ["map", "--out", str(out), "--ref-date", REF.isoformat()])
    engine.cache_clear()
    assert result.exit_code == 0, result.output
    html = out.read_text()
    # Every asset inlined: no external script or stylesheet left to fetch.
    assert re.findall(r"<script[^>]*\ssrc=", html) == []
    assert re.findall(r"<link[^>]*stylesheet", html) == []
    assert not any(f"Kepala {hh.key}" in html for hh in HOUSEHOLDS)
    assert "/tiles/" not in html

    page = browser.new_page(viewport={"width": 1200, "height": 800})
    watch = Watch(page)
    page.goto(out.as_uri())
    page.wait_for_selector("body[data-map-ready='1']", timeout=15000)
    assert "Tidak ada data" in page.inner_text(".sasaran-legend")
    # Hoverable and clickable in the shared copy too: the panel shows the kelurahan's
    # (suppressed) figures.
    x, y = screen_point(page, KELURAHAN)
    page.mouse.move(x, y)
    page.locator(".area-tooltip").wait_for()
    name, figure = page.inner_text(".area-tooltip").split("\n")
    assert name == "Gunung Telihan" and figure.startswith("Tingkat cakupan: ")
    page.mouse.click(x, y)
    page.wait_for_selector(f"#sasaran-detail[data-kode='{KELURAHAN}']")
    # The shared copy suppresses small counts: 4 covered households are shown as "<5".
    terms = page.locator(".panel-totals dt").all_inner_texts()
    covered = page.locator(".panel-totals dd").all_inner_texts()[terms.index("Tercakup")]
    assert covered == ("<5" if 1 <= expected_covered() <= 4 else str(expected_covered()))
    assert [p for p in watch.problems if not p.startswith("failed: file:")] == []
    page.close()


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_png_of_the_view_and_pdf_report_download_in_one_click(browser, live_url, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 850}, accept_downloads=True)
    watch = Watch(page)
    page.goto(f"{live_url}/map?ref_date={REF.isoformat()}&figure=gap")
    page.wait_for_selector("body[data-map-ready='1']", timeout=15000)
    with page.expect_download() as png:
        page.click(".download-png")
    png_path = tmp_path / png.value.suggested_filename
    png.value.save_as(png_path)
    picture = png_path.read_bytes()
    assert picture.startswith(b"\x89PNG") and png_path.name.endswith(".png")
    assert struct.unpack(">II", picture[16:24]) == (1300, 975)  # 10 x 7.5 in at 130 dpi
    url = png.value.url
    assert "/api/v1/map/image.png" in url and "bbox=" in url and "figure=gap" in url
    with page.expect_download(timeout=60000) as pdf:
        page.click(".download-pdf")
    pdf_path = tmp_path / pdf.value.suggested_filename
    pdf.value.save_as(pdf_path)
    body = _pdf_text(pdf_path)
    assert "Gunung Telihan" in body and "Cakupan per kelurahan" in body
    jumlah = [line for line in body.splitlines() if line.strip().startswith("Jumlah")][-1]
    assert jumlah.split()[1] == str(expected())  # targets of the whole world
    assert watch.problems == []
    page.close()


def test_report_command_writes_the_pdf(browser_db, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from app.cli.base import cli, engine

    monkeypatch.setenv("DATABASE_URL", browser_db)
    monkeypatch.setenv("SASARAN_DATA_DIR", str(tmp_path))
    engine.cache_clear()
    out = tmp_path / "laporan.pdf"
    result = CliRunner().invoke(cli, ["report", "--area", "64.74", "--out", str(out),
                                      "--ref-date", REF.isoformat()])
    engine.cache_clear()
    assert result.exit_code == 0, result.output
    body = _pdf_text(out)
    # Suppressed by default: this world's counts are all small.
    targets = expected()
    assert ("<5" if 1 <= targets <= 4 else str(targets)) in body
    assert "(64.74)" in body and "Halaman 1 dari" in body
    missing = CliRunner().invoke(cli, ["report", "--area", "64.99", "--out", str(out)])
    assert missing.exit_code != 0
