"""Step functions of the date kept as change dates and values, pure: ``values[i]`` holds from
``dates[i]`` until the next date (the last onwards), 0 before the first. The coverage steps
store counters so (``app/sql/coverage/*steps_refresh.sql``); adding a few changes to one is how
a small import updates a kab/kota's program-combination steps without recounting all of its
segments (``app.services.coverage.steps.apply_combination_changes``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date


class InconsistentSteps(ValueError):
    """The changes would take a count below zero: the stored steps were not what the
    changes were computed against."""


def add_changes(dates: Sequence[date], values: Sequence[int],
                changes: Mapping[date, int]) -> tuple[list[date], list[int]]:
    """The step function ``dates``/``values`` with ``changes`` (date -> amount added from that
    date on) added; dates where nothing changes any more are dropped, so a function that
    falls to 0 everywhere comes back empty."""
    deltas: dict[date, int] = defaultdict(int)
    previous = 0
    for day, value in zip(dates, values, strict=True):
        deltas[day] += value - previous
        previous = value
    for day, amount in changes.items():
        deltas[day] += amount
    out_dates: list[date] = []
    out_values: list[int] = []
    running = 0
    for day in sorted(deltas):
        if deltas[day] == 0:
            continue
        running += deltas[day]
        if running < 0:
            raise InconsistentSteps(f"count below zero on {day.isoformat()}")
        out_dates.append(day)
        out_values.append(running)
    return out_dates, out_values
