"""SASARAN_TIMEZONE: "today" (every default reference date) is the date in the deployment's
zone, not the server's. WIB (Asia/Jakarta) is UTC+7, WITA (Asia/Makassar) UTC+8, so local
midnight of 2 Dec 2026 is 2026-12-01T17:00Z in Jakarta and 2026-12-01T16:00Z in Makassar."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from app import clock
from app.main import create_app
from app.settings import Settings

DEC_1, DEC_2 = date(2026, 12, 1), date(2026, 12, 2)
TICK = timedelta(microseconds=1)
ROOT = Path(__file__).resolve().parents[2]


def utc(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 1, hour, minute, tzinfo=UTC)


@pytest.fixture(autouse=True)
def default_zone():
    yield
    clock.use_timezone(clock.DEFAULT_TIMEZONE)  # the zone is per process: leave the default


@pytest.mark.parametrize(("instant", "jakarta", "makassar"), [
    (utc(23, 30), DEC_2, DEC_2),          # 06:30 WIB / 07:30 WITA on the 2nd (UTC: the 1st)
    (utc(16, 30), DEC_1, DEC_2),          # 23:30 WIB on the 1st, 00:30 WITA on the 2nd
    (utc(16) - TICK, DEC_1, DEC_1),       # one microsecond before midnight WITA
    (utc(16), DEC_1, DEC_2),              # midnight WITA
    (utc(17) - TICK, DEC_1, DEC_2),       # one microsecond before midnight WIB
    (utc(17), DEC_2, DEC_2),              # midnight WIB
    (utc(0), DEC_1, DEC_1),               # 07:00 WIB / 08:00 WITA
])
def test_today_is_the_date_in_the_deployments_zone(instant, jakarta, makassar):
    assert clock.today(instant, "Asia/Jakarta") == jakarta
    assert clock.today(instant, "Asia/Makassar") == makassar


def test_the_default_zone_is_jakarta():
    assert Settings().timezone == "Asia/Jakarta"
    assert clock.today(utc(16, 30)) == DEC_1  # a UTC server would already say the 1st too
    assert clock.today(utc(17)) == DEC_2      # ... but here UTC still says the 1st


def test_the_app_installs_the_configured_zone(settings, engine):
    create_app(settings.model_copy(update={"timezone": "Asia/Makassar"}), engine=engine)
    assert clock.today(utc(16, 30)) == DEC_2
    create_app(settings, engine=engine)
    assert clock.today(utc(16, 30)) == DEC_1


def test_the_cli_installs_the_configured_zone(monkeypatch, tmp_path):
    from app.cli import base

    monkeypatch.setenv("SASARAN_TIMEZONE", "Asia/Makassar")
    monkeypatch.setenv("SASARAN_DATA_DIR", str(tmp_path))
    base.settings.cache_clear()
    try:
        assert base.settings().timezone == "Asia/Makassar"
        assert clock.today(utc(16, 30)) == DEC_2
    finally:
        base.settings.cache_clear()


def test_an_unknown_zone_stops_the_settings_with_a_clear_message():
    with pytest.raises(ValidationError, match="SASARAN_TIMEZONE 'Asia/Bontang' bukan zona"):
        Settings(timezone="Asia/Bontang")


def test_no_code_reads_the_servers_local_date():
    """Every default date goes through app.clock.today (date.today() and a naive
    datetime.now() are the server's zone: UTC in a container)."""
    local = re.compile(r"\bdate\.today\(\)|\bdatetime\.(now|today)\(\)")
    found = [f"{path.relative_to(ROOT)}:{n}" for folder in ("app", "geo")
             for path in sorted((ROOT / folder).rglob("*.py"))
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if local.search(line) and not line.lstrip().startswith("#")]
    assert found == []


@pytest.mark.parametrize(("zone", "opening"), [
    ("Asia/Jakarta", datetime(2026, 12, 1, 17, tzinfo=UTC)),
    ("Asia/Makassar", datetime(2026, 12, 1, 16, tzinfo=UTC)),
])
def test_a_day_starts_at_midnight_in_the_deployments_zone(zone, opening):
    clock.use_timezone(zone)
    assert clock.day_start(DEC_2) == opening
    # The instant just before belongs to the day before, in that zone's own reckoning.
    assert clock.today(opening - TICK, zone) == DEC_1
    assert clock.today(opening, zone) == DEC_2


def test_local_reads_an_instant_on_the_deployments_wall_clock():
    clock.use_timezone("Asia/Makassar")
    shown = clock.local(utc(18, 16))
    assert (shown.date(), shown.hour, shown.minute, shown.tzname()) == (DEC_2, 2, 16, "WITA")
    with pytest.raises(ValueError, match="aware"):
        clock.local(datetime(2026, 12, 1, 18, 16))
