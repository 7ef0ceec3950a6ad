"""Adding changes to a stored step function (``geo.coverage.stepfunctions``), against the
function evaluated day by day."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from geo.coverage.stepfunctions import InconsistentSteps, add_changes

D = [date(2024, 1, 1) + timedelta(days=k) for k in range(12)]


def value_on(dates, values, day):
    """The step function's value on ``day``, read the slow way."""
    held = [v for d, v in zip(dates, values, strict=True) if d <= day]
    return held[-1] if held else 0


def test_changes_on_new_and_existing_dates_and_before_the_first():
    dates, values = [D[2], D[5]], [3, 1]
    got = add_changes(dates, values, {D[0]: 2, D[5]: -1, D[8]: 1})
    assert got == ([D[0], D[2], D[5], D[8]], [2, 5, 2, 3])


def test_a_change_that_cancels_a_step_drops_its_date_and_zero_everywhere_is_empty():
    assert add_changes([D[1], D[4]], [2, 5], {D[4]: -3}) == ([D[1]], [2])
    assert add_changes([D[1], D[4]], [2, 0], {D[1]: -2, D[4]: 2}) == ([], [])
    assert add_changes([], [], {}) == ([], [])


def test_a_count_below_zero_is_refused():
    with pytest.raises(InconsistentSteps):
        add_changes([D[1]], [1], {D[3]: -2})


def test_random_changes_equal_the_function_day_by_day():
    rng = random.Random(11)
    for _ in range(200):
        base = sorted(rng.sample(D, rng.randint(0, 6)))
        values = [rng.randint(3, 9) for _ in base]
        changes = {d: rng.randint(-3, 3) for d in rng.sample(D, rng.randint(0, 5))}
        days = [D[0] - timedelta(days=1), *D]
        want = [value_on(base, values, day) + sum(n for d, n in changes.items() if d <= day)
                for day in days]
        if min(want) < 0:
            with pytest.raises(InconsistentSteps):
                add_changes(base, values, changes)
            continue
        dates, got = add_changes(base, values, changes)
        assert [value_on(dates, got, day) for day in days] == want
        assert all(a < b for a, b in zip(dates, dates[1:], strict=False))
        assert all(a != b for a, b in zip(got, got[1:], strict=False))
