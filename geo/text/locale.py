"""id-ID formatting with Babel (CLDR data), never by hand: ``1.877``, ``51,9 %``,
``Rp 147.500.000``, ``30 Nov 2026``.

Every function passes a suppressed count (the string ``<5``) and text through unchanged and
shows a missing value as an en dash, so a template can format any figure it is given.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

LOCALE = "id_ID"
MISSING = "–"


def _passthrough(value: Any) -> str | None:
    """The text to show unchanged (missing value, suppressed count, any text), else None; a
    value that is no number at all shows as missing rather than breaking the page."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        return value
    if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return MISSING
    return None


def number(value: Any, decimals: int = 0) -> str:
    """``1877`` -> ``1.877``; ``0.4918`` with ``decimals=2`` -> ``0,49``."""
    shown = _passthrough(value)
    if shown is not None:
        return shown
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def percent(ratio: Any, decimals: int = 1) -> str:
    """A ratio as a percentage with a space before the sign, as Indonesian statistics
    publications write it: ``0.5189`` -> ``51,9 %``."""
    shown = _passthrough(ratio)
    if shown is not None:
        return shown
    return f"{number(float(ratio) * 100, decimals)} %"


# Decimals per rate figure, one rule for pages, map and report: P1 and P2 are small (P2 is often
# under 1 %), so with one decimal most kelurahan would read alike; two, as BPS publishes them.
RATE_DECIMALS = {"coverage_rate": 1, "overlap_share": 1, "p0": 1, "p1": 2, "p2": 2}


def figure(value: Any, name: str) -> str:
    """A figure by its name: a rate as a percentage with its decimals, anything else as a
    whole number (``p1`` 0.0766 -> ``7,66 %``, ``gap`` 1877 -> ``1.877``)."""
    if name in RATE_DECIMALS:
        return percent(value, RATE_DECIMALS[name])
    return number(value)


def rupiah(value: Any) -> str:
    """Whole rupiah: ``147500000`` -> ``Rp 147.500.000`` (no sen: budgets are whole)."""
    shown = _passthrough(value)
    if shown is not None:
        return shown
    text = format_currency(value, "IDR", format="¤ #,##0", locale=LOCALE,
                           currency_digits=False)
    return text.replace("\xa0", " ")


def date_id(value: date | datetime | str | None) -> str:
    """``2026-11-30`` -> ``30 Nov 2026`` (Indonesian month abbreviations: Mei, Agu, Okt, Des)."""
    if isinstance(value, str) and value:
        value = date.fromisoformat(value[:10])
    if not isinstance(value, date):
        return MISSING
    return format_date(value, "d MMM y", locale=LOCALE)


def datetime_id(value: datetime | None) -> str:
    """``30 Nov 2026 14.05 WITA``: the wall clock of the timestamp's own zone, named (WIB, WITA,
    WIT), so a time is never read in the wrong zone. Callers convert to the deployment's zone
    first (``app.clock.local``)."""
    if value is None:
        return MISSING
    return format_datetime(value, "d MMM y HH.mm zzz", tzinfo=value.tzinfo, locale=LOCALE)
