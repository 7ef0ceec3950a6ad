"""The map of the sample city (what ``make demo`` serves) as the analyst bound to Kota Bontang
uses it: a click on Gunung Telihan shows the figures computed here from the loaded rows, at
1400 px beside the map and at 390 px in the bottom sheet under the one-row phone header. The
pictures are docs/map.md's (``test-artifacts/screens/map-1400.png`` and ``map-390.png``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import NARROW, SCREENS, live_app, login_as, new_page, overflows_horizontally
from map_pages import Watch, count, detail, id_percent, screen_point
from sample_city import REF, expected_by_kelurahan, load_sample_city
from sqlalchemy import text

pytestmark = pytest.mark.browser
KEY = b"browser-test-secret-key-0123456789abcdef"  # tests/browser.py's live_app secret
GUNUNG_TELIHAN = "64.74.03.1002"


@pytest.fixture(scope="module")
def city(db_url, tmp_path_factory) -> Iterator[tuple[str, dict[str, int], dict[str, str]]]:
    found: dict[str, Any] = {}

    def fill(conn) -> None:
        load_sample_city(conn, KEY)
        found["figures"] = expected_by_kelurahan(conn)[GUNUNG_TELIHAN]
        found["names"] = dict(conn.execute(text("SELECT kode, nama FROM wilayah")).all())

    with live_app(db_url, "sasaran_sample_city", fill, tmp_path_factory,
                  tile_light_url=None) as live:
        yield live.url, found["figures"], found["names"]


def _open_area(page, url: str) -> None:
    login_as(page, url, "analyst", f"/map?ref_date={REF.isoformat()}")
    page.wait_for_selector("body[data-map-ready='1']", timeout=15000)
    x, y = screen_point(page, GUNUNG_TELIHAN)
    page.mouse.click(x, y)
    page.wait_for_selector(f"#sasaran-detail[data-kode='{GUNUNG_TELIHAN}']")


def _settled_zoom(page) -> float:
    """The map's zoom once it has stayed the same for 600 ms (longer than Leaflet's 250 ms zoom
    animation: the click's fit to the kelurahan has ended)."""
    page.wait_for_function("""() => { const z = SasaranMap.page.map.getZoom(), now = Date.now();
        if (window.zoomSeen !== z) { window.zoomSeen = z; window.zoomSince = now; }
        return now - window.zoomSince >= 600; }""")
    return float(page.evaluate("() => SasaranMap.page.map.getZoom()"))


def _check_figures(page, want: dict[str, int]) -> None:
    shown = detail(page)
    for figure in ("targets", "covered", "overlap", "overlap_agency", "gap", "leakage"):
        assert count(shown[figure]) == want[figure], figure
    assert shown["coverage_rate"] == id_percent(want["covered"] / want["targets"])


def test_the_analyst_opens_a_kelurahan_of_the_sample_city_wide_and_on_a_phone(chromium, city):
    url, want, names = city
    page = new_page(chromium)
    page.set_viewport_size({"width": 1400, "height": 850})
    watch = Watch(page)
    _open_area(page, url)
    # The trail starts at the analyst's own city and names every step by its loaded name.
    assert page.locator(".sasaran-title .crumb").all_inner_texts() == [
        names["64.74"], names["64.74.03"], names["64.74.03.1002"]]
    _check_figures(page, want)
    # Two steps out with the zoom button: the city around the chosen kelurahan (the click
    # zoomed to it); the panel keeps its figures.
    for _ in range(2):
        zoom = _settled_zoom(page)  # Leaflet drops a zoom asked for during an animation
        page.locator(".leaflet-control-zoom-out").click()
        page.wait_for_function(f"() => SasaranMap.page.map.getZoom() < {zoom}")
    page.mouse.move(1399, 849)  # off the map: no hover tooltip in the picture
    _check_figures(page, want)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # let the canvas paint before the picture
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "map-1400.png"))
    assert watch.problems == []
    page.context.close()

    phone = new_page(chromium, NARROW)
    phone.set_viewport_size({"width": NARROW, "height": 844})
    watch = Watch(phone)
    _open_area(phone, url)
    # The sheet slides up (a CSS transition): wait until it is open, as a function (the CSP).
    phone.wait_for_function("() => document.getElementById('sasaran-panel')"
                            ".getBoundingClientRect().height > 844 * 0.5", timeout=10000)
    _check_figures(phone, want)
    assert phone.locator("header.kepala").bounding_box()["height"] <= 120  # one nav row
    assert not overflows_horizontally(phone)
    phone.wait_for_timeout(300)
    phone.screenshot(path=str(SCREENS / "map-390.png"))
    assert watch.problems == []
    phone.context.close()
