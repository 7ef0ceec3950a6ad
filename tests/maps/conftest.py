"""Module-scoped fixtures of the map's browser tests: the map world in its own database
(built once per module, dropped after it) and the app served on it as an admin and as a viewer
(no basemap: nothing leaves the machine)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from map_pages import map_database, map_server

from app.principal import Principal


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
