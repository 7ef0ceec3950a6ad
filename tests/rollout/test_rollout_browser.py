"""The planning panel on the map page, in Debian's headless Chromium: priorities listed, a
stored plan drawn as a layer (waves coloured in order, pilot outlined) with its waves listed."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from acting import act_as
from live_server import serving
from map_world import REF, build
from sqlalchemy import create_engine, make_url, text

from app.db import migrate
from app.db.engine import make_engine
from app.main import create_app
from app.principal import Principal
from app.security import LOCAL_ADMIN
from app.services.rollout import PlanInput, WaveInput, create_plan
from app.services.rollout.output import PILOT_OUTLINE, WAVE_COLOURS
from app.settings import Settings

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DB = "sasaran_rollout_browser"
GUNUNG_TELIHAN, BELIMBING, KANAAN = "64.74.03.1002", "64.74.03.1001", "64.74.03.1003"


@pytest.fixture(scope="module")
def app_url(db_url: str, wilayah_dir: Path, tmp_path_factory) -> Iterator[str]:
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{DB}"'))
    url = make_url(db_url).set(database=DB).render_as_string(hide_password=False)
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        build(conn, wilayah_dir)
        create_plan(conn, PlanInput(nama="Percontohan Gunung Telihan", wilayah_induk="64.74",
                                    tanggal_acuan=REF, gelombang=[
            WaveInput(1, 2022, Decimal(2_500_000), Decimal(1), [GUNUNG_TELIHAN], True),
            WaveInput(2, 2023, Decimal(2_000_000), Decimal("0.6"), [BELIMBING, KANAAN])]),
            LOCAL_ADMIN)
    settings = Settings(database_url=url, data_dir=tmp_path_factory.mktemp("data"),
                        secret_key="rollout-browser-secret-key-0123456789")
    app = create_app(settings, engine=engine)
    act_as(app, Principal("perencana", "analyst"))
    with serving(app) as url:
        yield url
    engine.dispose()
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
    admin.dispose()


def test_planning_panel_draws_the_plan_waves_and_lists_priorities(app_url, chromium):
    problems: list[str] = []
    # The session's one Chromium (tests/browser.py): playwright's sync API runs once per thread.
    page = chromium.new_page(viewport={"width": 1400, "height": 850})
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.goto(f"{app_url}/map?basemap=none&ref_date={REF.isoformat()}")
    page.wait_for_selector("#sasaran-rollout[data-ready='1']", timeout=15000)
    assert page.locator(".sasaran-rollout-priorities li").count() >= 10
    page.click(".layers-toggle")  # the plan choice sits in the layer list's "Rencana" group
    page.select_option(".sasaran-rollout-plans", label="Percontohan Gunung Telihan")
    page.wait_for_selector("#sasaran-rollout[data-plan]", timeout=15000)
    legend = page.locator(".legend-plan .legend-label").all_inner_texts()
    assert legend[0].startswith("Gelombang 1") and "percontohan" in legend[0]
    assert len(legend) == 2
    waves = page.locator(".sasaran-rollout-waves li").all_inner_texts()
    assert len(waves) == 2 and "percontohan" in waves[0] and "Gunung Telihan" in waves[0]
    styles = page.evaluate("""() => window.SasaranRollout.panel.layer.getLayers().map(
        l => [l.feature.properties.kode, l.options.fillColor, l.options.color])""")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "rollout.png"))
    page.close()
    by_code = {kode: (fill, outline) for kode, fill, outline in styles}
    assert by_code[GUNUNG_TELIHAN] == (WAVE_COLOURS[0], PILOT_OUTLINE)
    assert by_code[KANAAN] == by_code[BELIMBING] == (WAVE_COLOURS[1], "#333333")
    assert problems == []
