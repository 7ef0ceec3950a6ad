"""The map's views in Debian's headless Chromium: hover and click with each set of layers switched
on (chosen through the URL), the title bar, labels by zoom, Indonesian controls, the whole view
state kept in the URL, legend swatches for '<5' and 'tidak ada data', integer class bounds of
counts, controls that never cover each other, the kelurahan search, and the basemap switcher
against a local tile server (the online case). Expected figures come from the world's rows."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from map_pages import (
    boxes_overlap,
    count,
    detail,
    expected,
    expected_covered,
    id_percent,
    map_server,
    open_map,
    screen_point,
    shown_or_small,
)
from map_world import KELURAHAN, REF

from app.db.engine import make_engine
from app.principal import Principal
from app.services.wilayah import load_boundaries

pytestmark = pytest.mark.browser
# A 1x1 transparent PNG: what the local tile server answers for every tile.
TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def _hover(page, kode: str) -> str:
    x, y = screen_point(page, kode)
    page.mouse.move(x, y)
    tooltip = page.locator(".area-tooltip")
    tooltip.wait_for()
    return tooltip.inner_text()


@pytest.mark.parametrize("layers", ["choropleth", "choropleth,kecamatan,kabkota",
                                    "choropleth,labels,households,kecamatan"])
def test_hover_and_click_work_with_each_set_of_layers(chromium, live_url, layers):
    page, watch = open_map(chromium, f"{live_url}/map?ref_date={REF}&lapisan={layers}")
    on = page.evaluate("""() => { const p = SasaranMap.page; return Object.keys(p.layers)
        .filter(id => p.map.hasLayer(p.layers[id])).sort().join(','); }""")
    assert on == ",".join(sorted(layers.split(",")))
    rate = id_percent(expected_covered() / expected())
    assert _hover(page, KELURAHAN).split("\n") == ["Gunung Telihan", f"Tingkat cakupan: {rate}"]
    x, y = screen_point(page, KELURAHAN)
    page.mouse.click(x, y)
    page.wait_for_selector(f"#sasaran-detail[data-kode='{KELURAHAN}']")
    assert count(detail(page)["gap"]) == expected("gap")
    # The title bar names the figure, the trail down to the kelurahan, the date and threshold.
    title = page.inner_text(".sasaran-title")
    assert title.split("\n")[0] == "Tingkat cakupan"
    crumbs = page.locator(".sasaran-title .crumb").all_inner_texts()
    # (This world loads no kab/kota boundary: that step is named by its code.)
    assert crumbs == ["Semua wilayah", "64.74", "Bontang Barat", "Gunung Telihan"]
    assert "Tanggal 30 Jun 2026 · desil ≤ 4" in title
    assert watch.problems == []
    page.close()


def test_an_area_bound_analyst_s_trail_starts_at_their_own_area(chromium, browser_db, tmp_path):
    """The title's root is the analyst's area (Bontang Barat), not "Semua wilayah", and the
    steps above it (64.74) are left out."""
    analyst = Principal("uji-analis", "analyst", area_prefixes=(KELURAHAN[:8],))
    with map_server(browser_db, tmp_path, analyst, tile_url=None, tile_light_url=None) as url:
        page, watch = open_map(chromium, f"{url}/map?ref_date={REF}")
        assert page.locator(".sasaran-title .crumb").all_inner_texts() == ["Bontang Barat"]
        x, y = screen_point(page, KELURAHAN)
        page.mouse.click(x, y)
        page.wait_for_selector(f"#sasaran-detail[data-kode='{KELURAHAN}']")
        assert page.locator(".sasaran-title .crumb").all_inner_texts() == [
            "Bontang Barat", "Gunung Telihan"]
        assert watch.problems == []
        page.close()


def test_labels_show_from_their_zoom_and_switch_off(chromium, live_url):
    page, watch = open_map(chromium, f"{live_url}/map?ref_date={REF}&z=11&lat=0.14&lng=117.47")
    label = page.locator(".area-label", has_text="Gunung Telihan")
    assert label.count() == 1 and not label.is_visible()  # kelurahan names from zoom 12 on
    page.evaluate("SasaranMap.page.map.setZoom(13)")
    page.wait_for_function("() => !SasaranMap.page.map.getPane('labels').classList"
                           ".contains('labels-hidden')")
    assert label.is_visible()
    page.click(".layers-toggle")
    page.locator('input[data-layer="labels"]').uncheck()
    assert page.locator(".area-label").count() == 0
    assert "lapisan=" in page.url and "labels" not in page.url.split("lapisan=")[1].split("&")[0]
    assert watch.problems == []
    page.close()


LABEL_BOXES = """() => [...document.querySelectorAll('.area-label')].map(n => {
    const r = n.firstChild.getBoundingClientRect();
    return {name: n.textContent, hidden: getComputedStyle(n).visibility === 'hidden',
            x: r.left, y: r.top, width: r.width, height: r.height}; })"""


def test_names_that_would_overlap_are_hidden_and_come_back_when_zoomed_in(chromium, live_url):
    """In Bontang's dense centre at zoom 12, nine pairs of kelurahan names overlapped: the
    names shown never overlap, every hidden name would have overlapped one shown, and at zoom
    13 all fifteen are shown again."""
    page, watch = open_map(chromium, f"{live_url}/map?ref_date={REF}&z=12&lat=0.13&lng=117.48")
    labels = page.evaluate(LABEL_BOXES)
    shown = [b for b in labels if not b["hidden"]]
    hidden = [b for b in labels if b["hidden"]]
    assert hidden and len(labels) == 15
    assert not any(boxes_overlap(a, b) for i, a in enumerate(shown) for b in shown[i + 1:])
    assert all(any(boxes_overlap(h, s) for s in shown) for h in hidden)
    page.evaluate("SasaranMap.page.map.setZoom(13)")
    page.wait_for_function("() => document.querySelectorAll('.label-clash').length === 0")
    labels = page.evaluate(LABEL_BOXES)
    assert [b["name"] for b in labels if b["hidden"]] == [] and len(labels) == 15
    assert watch.problems == []
    page.close()


def test_controls_speak_indonesian_and_the_scale_is_metric(chromium, live_url):
    page, watch = open_map(chromium, f"{live_url}/map?ref_date={REF}")
    assert page.get_attribute(".leaflet-control-zoom-out", "title") == "Perkecil"
    assert page.get_attribute(".leaflet-control-zoom-fullscreen", "title") == "Layar penuh"
    assert page.inner_text(".layers-toggle") == "Lapisan"
    assert page.inner_text(".legend-toggle") == "Legenda"
    assert page.locator(".leaflet-control-scale-line").count() == 1
    assert re.fullmatch(r"\d+ k?m", page.inner_text(".leaflet-control-scale-line"))
    # The layer list opened covers neither the legend nor the title bar, and the side panel
    # (search, buttons, details) sits beside the map, never over it.
    page.click(".layers-toggle")
    opened = page.locator(".sasaran-layers").bounding_box()
    for other in (".sasaran-legend", ".sasaran-title", ".leaflet-control-zoom"):
        assert not boxes_overlap(opened, page.locator(other).bounding_box()), other
    assert not boxes_overlap(page.locator("#sasaran-panel").bounding_box(),
                             page.locator(".folium-map").bounding_box())
    page.click(".layers-toggle")
    # The search finds a kelurahan by name and opens it like a click.
    page.fill(".panel-search", "Gunung Telihan")
    page.locator(".panel-search").dispatch_event("change")
    page.wait_for_selector(f"#sasaran-detail[data-kode='{KELURAHAN}']")
    assert count(detail(page)["targets"]) == expected()
    # Narrow and short screens: the opened layer list covers neither the title (hidden
    # meanwhile) nor the opened legend (the list stops above it, or the legend steps aside).
    for width, height in ((390, 844), (390, 500), (1400, 420)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(1000)  # the map re-lays its controls after a resize
        handle = page.locator(".sheet-handle")
        if handle.is_visible() and handle.get_attribute("aria-expanded") == "true":
            handle.click()  # the search opened the bottom sheet: fold it to reach the map
            page.wait_for_timeout(1000)
        page.click(".layers-toggle")
        shown = [page.locator(sel) for sel in (".sasaran-title", ".sasaran-legend")
                 if page.locator(sel).is_visible()]
        opened = page.locator(".sasaran-layers").bounding_box()
        assert not any(boxes_overlap(opened, s.bounding_box()) for s in shown), (width, height)
        page.click(".layers-toggle")
        assert page.locator(".sasaran-legend").is_visible()
    assert watch.problems == []
    page.close()


def test_the_whole_view_state_comes_back_from_the_url(chromium, live_url):
    state = {"figure": "gap", "level": "kelurahan", "scheme": "equal_interval", "k": "3",
             "ramp": "cividis", "kecamatan": "64.74.03", "program": "PKH", "desil_max": "3",
             "ref_date": "2026-03-31", "pilih": KELURAHAN, "basemap": "none",
             "lapisan": "choropleth,kabkota", "z": "14", "lat": "0.13000", "lng": "117.46000"}
    link = f"{live_url}/map?" + "&".join(f"{k}={v}" for k, v in state.items())
    page, watch = open_map(chromium, link)
    page.wait_for_selector(f"#sasaran-detail[data-kode='{KELURAHAN}']")
    shown = page.evaluate("SasaranMap.page.state")
    assert {k: str(shown[k]) for k in state} == state
    for name in ("figure", "scheme", "k", "ramp", "kecamatan", "program"):
        assert page.input_value(f"#sasaran-filters [name={name}]") == state[name], name
    assert page.input_value("#sasaran-filters [name=desil_max]") == "3"
    assert page.input_value("#sasaran-filters [name=ref_date]") == "2026-03-31"
    figures = [u for u in watch.urls if "/api/v1/map/figures" in u][-1]
    for key in ("k=3", "scheme=equal_interval", "desil_max=3", "ref_date=2026-03-31",
                "program=PKH", "kecamatan=64.74.03"):
        assert key in figures, (key, figures)
    assert len(page.locator(".legend-classes .legend-row").all()) <= 3 + 2
    assert "Tanggal 31 Mar 2026 · desil ≤ 3" in page.inner_text(".sasaran-title")
    gaps = expected("gap", ref=REF.replace(month=3, day=31), desil_max=3, program="PKH")
    assert count(detail(page)["gap"]) == gaps
    # Nothing lost when the page writes its state back into the address.
    written = parse_qs(urlsplit(page.url).query)
    assert {k: written[k][0] for k in state} == state
    assert watch.problems == []
    page.close()


def test_counts_have_whole_number_classes_and_own_swatches_for_small_and_missing(
        chromium, live_url, viewer_url):
    page, watch = open_map(chromium, f"{live_url}/map?ref_date={REF}&figure=targets&k=7")
    labels = page.locator(".legend-classes .legend-label").all_inner_texts()
    assert labels[-1] == "Tidak ada data"
    for label in labels[:-1]:
        assert re.fullmatch(r"\d[\d.]*( – \d[\d.]*)?", label), labels
    assert watch.problems == []
    page.close()
    page, watch = open_map(chromium, f"{viewer_url}/map?ref_date={REF}&figure=gap")
    page.wait_for_selector("body[data-hexagons-ready='1']")
    rows = {r.locator(".legend-label").inner_text(): r for r in
            page.locator(".legend-classes .legend-row").all()}
    small = rows["<5 (angka kecil disamarkan)"]
    assert small.locator(".legend-count").inner_text() == "(1)"  # Gunung Telihan alone
    colours = {r.locator(".swatch").get_attribute("data-color") for r in rows.values()}
    assert len(colours) == len(rows)  # '<5', 'tidak ada data' and classes never share a colour
    x, y = screen_point(page, KELURAHAN)
    page.mouse.move(x, y)
    page.locator(".area-tooltip").wait_for()
    # Over a hexagon: the kelurahan below it first, then the hexagon's own counts.
    lines = page.inner_text(".area-tooltip").split("\n")
    assert lines[:2] == ["Gunung Telihan", f"Kesenjangan (RT): {shown_or_small(expected('gap'))}"]
    assert lines[2].startswith("Heksagon: ")
    assert watch.problems == []
    page.close()


class _Tiles(BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        _Tiles.asked.append(self.path)
        if not re.fullmatch(r"/\w+/\d+/\d+/\d+\.png", self.path):  # as a real tile server
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TILE)))
        self.end_headers()
        self.wfile.write(TILE)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def tile_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Tiles.asked.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _wait_for_tiles(prefix: str, timeout: float = 10.0) -> None:
    """Until the tile server has been asked for a tile under ``prefix`` (fails after
    ``timeout`` s). Not networkidle: once reached it is not awaited again after a switch."""
    deadline = time.monotonic() + timeout
    while not any(p.startswith(prefix) for p in _Tiles.asked):
        assert time.monotonic() < deadline, f"no {prefix} tile asked in {timeout} s"
        time.sleep(0.05)


def test_online_the_basemap_switcher_offers_osm_and_light(chromium, browser_db, tmp_path,
                                                         tile_server):
    with map_server(browser_db, tmp_path, Principal("uji-peta", "admin"),
                    tile_url=f"{tile_server}/osm/{{z}}/{{x}}/{{y}}.png",
                    tile_light_url=f"{tile_server}/terang/{{z}}/{{x}}/{{y}}.png") as url:
        page, watch = open_map(chromium, f"{url}/map?ref_date={REF}")
        page.wait_for_function("() => SasaranMap.page.basemaps.current === 'osm'")
        assert page.locator(".folium-map.no-basemap").count() == 0
        _wait_for_tiles("/osm/")
        page.click(".layers-toggle")
        group = page.locator(".layers-group", has_text="Peta dasar")
        assert group.locator(".layers-label").all_inner_texts() == [
            "OpenStreetMap", "Terang (CARTO)", "Tanpa peta dasar"]
        group.get_by_label("Terang (CARTO)").check()
        _wait_for_tiles("/terang/")
        assert "basemap=light" in page.url
        assert page.locator(".basemap-tiles").count() == 1
        group.get_by_label("Tanpa peta dasar").check()
        assert page.locator(".folium-map.no-basemap").count() == 1
        assert page.locator(".basemap-tiles").count() == 0
        assert "basemap=none" in page.url
        # Leaflet cancels the tiles still in flight of the basemap just switched off: the
        # browser reports those as aborted, which is no failure of the page.
        cancelled = [p for p in watch.problems
                     if p.startswith(f"failed: {tile_server}/") and p.endswith("ERR_ABORTED")]
        assert [p for p in watch.problems if p not in cancelled] == []
        page.close()


def test_drill_down_from_kab_kota_to_kecamatan_to_kelurahan_and_back_up(chromium, live_url,
                                                                       browser_db, wilayah_dir):
    # The kab/kota boundaries of the province (this module's last test: the others run
    # without them).
    engine = make_engine(browser_db)
    with engine.begin() as conn:
        load_boundaries(conn, wilayah_dir / "kaltim_kabkota.geojson")
    engine.dispose()
    kabkota = json.loads((wilayah_dir / "kaltim_kabkota.geojson").read_text())["features"]
    page, watch = open_map(chromium, f"{live_url}/map?ref_date={REF}&level=kabkota")
    assert page.evaluate("SasaranMap.page.choropleth.getLayers().length") == len(kabkota)
    rate = id_percent(expected_covered() / expected())
    x, y = screen_point(page, "64.74", "kabkota")
    page.mouse.move(x, y)
    page.locator(".area-tooltip").wait_for()
    assert page.inner_text(".area-tooltip").split("\n") == ["Kota Bontang",
                                                            f"Tingkat cakupan: {rate}"]
    page.mouse.click(x, y)  # the kota: its kecamatan
    page.wait_for_function("() => SasaranMap.page.state.level === 'kecamatan'")
    page.wait_for_selector("body[data-map-ready='1']")
    assert "kecamatan=64.74&" in page.url and "level=kecamatan" in page.url
    x, y = screen_point(page, KELURAHAN[:8], "kecamatan")
    page.mouse.click(x, y)  # the kecamatan: its kelurahan
    page.wait_for_function("() => SasaranMap.page.state.level === 'kelurahan'")
    page.wait_for_selector("body[data-map-ready='1']")
    assert page.locator(".sasaran-title .crumb").all_inner_texts() == [
        "Semua wilayah", "Kota Bontang", "Bontang Barat"]
    page.locator(".sasaran-title button.crumb", has_text="Kota Bontang").click()  # back up
    page.wait_for_function("() => SasaranMap.page.state.level === 'kecamatan'")
    page.wait_for_selector("body[data-map-ready='1']")
    assert "kecamatan=64.74&" in page.url
    page.locator(".sasaran-title button.crumb", has_text="Semua wilayah").click()
    page.wait_for_function("() => SasaranMap.page.state.level === 'kabkota'")
    page.wait_for_selector("body[data-map-ready='1']")
    assert "kecamatan=" not in page.url
    assert watch.problems == []
    page.close()
