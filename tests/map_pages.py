"""Helpers for the map's browser tests: the map world in its own database, the app served with
a fixed principal, and readers of what the page shows (panel, legend, screen points).

Fixtures (a plugin of tests/conftest.py): ``browser_db`` the map world, built once per module
and dropped after it; ``live_url`` / ``viewer_url`` the app on it as an admin / a viewer (no
basemap: nothing leaves the machine).

Expected figures come from the world's plain rows (``map_world.expected_status``), never from
the program.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from acting import act_as
from browser import throwaway_database
from live_server import serving
from map_world import HOUSEHOLDS, build, expected_status

from app.db.engine import make_engine
from app.main import create_app
from app.principal import Principal
from app.settings import Settings


@contextmanager
def map_database(db_url: str, wilayah_dir: Path, name: str) -> Iterator[str]:
    """A throwaway database ``name`` holding the map world; dropped on exit."""
    with throwaway_database(db_url, name) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            build(conn, wilayah_dir)
        engine.dispose()
        yield url


@contextmanager
def map_server(db: str, data_dir: Path, principal: Principal, **settings: Any) -> Iterator[str]:
    """The app on ``db`` served on a free loopback port, every request as ``principal``."""
    config = Settings(database_url=db, data_dir=data_dir,
                      secret_key="browser-test-secret-key-0123456789abcdef", **settings)
    engine = make_engine(db)
    app = create_app(config, engine=engine)
    act_as(app, principal)
    try:
        with serving(app) as url:
            yield url
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def browser_db(db_url: str, wilayah_dir: Path) -> Iterator[str]:
    with map_database(db_url, wilayah_dir, "sasaran_browser") as url:
        yield url


@pytest.fixture(scope="module")
def live_url(browser_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with map_server(browser_db, tmp_path_factory.mktemp("data"), Principal("uji-peta", "admin"),
                    tile_url=None, tile_light_url=None) as url:
        yield url


@pytest.fixture(scope="module")
def viewer_url(browser_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with map_server(browser_db, tmp_path_factory.mktemp("data"),
                    Principal("uji-publik", "viewer"), tile_url=None,
                    tile_light_url=None) as url:
        yield url


class Watch:
    """Every console error, page error, failed request and HTTP error, and every URL asked."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        self.urls: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", self._response)

    def _response(self, response: Any) -> None:
        self.urls.append(response.url)
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")


def open_map(browser: Any, url: str, width: int = 1400, height: int = 850) -> tuple[Any, Watch]:
    """``url`` opened in a new page, once the map says it is ready."""
    page = browser.new_page(viewport={"width": width, "height": height})
    watch = Watch(page)
    page.goto(url)
    page.wait_for_selector("body[data-map-ready='1']", timeout=15000)
    return page, watch


def expected_covered(**filters: Any) -> int:
    return sum(1 for hh in HOUSEHOLDS if expected_status(hh, **filters) in ("one", "overlap"))


def expected(status: str | None = None, **filters: Any) -> int:
    """Targets (``status`` None) or targets of one status, counted from the world's rows."""
    return sum(1 for hh in HOUSEHOLDS if (expected_status(hh, **filters) is not None
                                          if status is None
                                          else expected_status(hh, **filters) == status))


def screen_point(page: Any, kode: str, level: str = "kelurahan") -> tuple[float, float]:
    """Where on the screen the area's label point (inside the area) is drawn."""
    return page.evaluate("""([kode, level]) => { const p = SasaranMap.page;
        const f = p.geo[level].features.find(f => f.properties.kode === kode);
        const pt = p.map.latLngToContainerPoint([f.properties.label_lat, f.properties.label_lon]);
        const r = p.map.getContainer().getBoundingClientRect();
        return [r.left + pt.x, r.top + pt.y]; }""", [kode, level])


def detail(page: Any) -> dict[str, str]:
    """The clicked area's figures in the panel, by figure name."""
    rows = page.locator("#sasaran-detail .detail-figures tr")
    return {r.get_attribute("data-figure"): r.locator("td").inner_text() for r in rows.all()}


def total(page: Any, label: str) -> str:
    """The panel's total labelled ``label``, as shown."""
    terms = page.locator(".panel-totals dt").all_inner_texts()
    values = page.locator(".panel-totals dd").all_inner_texts()
    return values[terms.index(label)]


def count(shown: str) -> int:
    """An id-ID whole number as shown (``1.877``)."""
    return int(shown.replace(".", ""))


def id_percent(share: float) -> str:
    return f"{share * 100:.1f} %".replace(".", ",")


def shown_or_small(n: int) -> str:
    """A count as a role without person access sees it."""
    return "<5" if 1 <= n <= 4 else str(n)


def boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
