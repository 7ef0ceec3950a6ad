"""The calendar date Sasaran counts from ("today"), in the deployment's time zone.

Servers and containers usually run in UTC, while a Kaltim office lives in WITA (UTC+8): the
server's local date would be yesterday until 08:00 there. Every default reference date (API,
pages, CLI, exports' "diunduh" stamps) therefore comes from :func:`today`, in the zone set by
``SASARAN_TIMEZONE`` (installed by ``create_app`` and by the CLI's settings), never from
the server's own local date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Jakarta"  # WIB; Kaltim deployments set Asia/Makassar (WITA)
_zone = ZoneInfo(DEFAULT_TIMEZONE)


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (e.g. ``Asia/Makassar``); ValueError with an Indonesian message
    for an unknown one, so a typo stops the app at start instead of shifting every date."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"SASARAN_TIMEZONE '{name}' bukan zona waktu IANA yang dikenal "
                         "(contoh: Asia/Jakarta, Asia/Makassar, Asia/Jayapura).") from exc


def use_timezone(name: str) -> None:
    """Make ``name`` the zone of :func:`today` for this process (one deployment, one zone)."""
    global _zone
    _zone = zone(name)


def today(at: datetime | None = None, timezone: str | None = None) -> date:
    """The date in the deployment's zone (or ``timezone``) at the instant ``at`` (aware;
    default now)."""
    instant = at or datetime.now(UTC)
    if instant.tzinfo is None:
        raise ValueError("today() needs an aware instant: a naive one has no zone to convert")
    return instant.astimezone(zone(timezone) if timezone else _zone).date()


def local(instant: datetime) -> datetime:
    """``instant`` (aware) as the deployment's wall clock: what an office in Bontang reads, not
    the database server's UTC."""
    if instant.tzinfo is None:
        raise ValueError("local() needs an aware instant: a naive one has no zone to convert")
    return instant.astimezone(_zone)


def day_start(day: date) -> datetime:
    """Midnight opening ``day`` in the deployment's zone: "sejak 4 Des" in WITA starts at
    3 Des 16.00 UTC, not at 4 Des 00.00 UTC (eight hours of entries later)."""
    return datetime.combine(day, time(0), tzinfo=_zone)
