"""SingleFlight: the first view's aggregate tiles share one computation of an area table while
they run together, and a later request computes again (nothing is kept)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.services.maps.inflight import SingleFlight


def test_concurrent_calls_with_one_key_compute_once_and_all_get_the_rows():
    flight = SingleFlight()
    started, release = threading.Event(), threading.Event()
    runs = []

    def compute():
        runs.append(1)
        started.set()
        assert release.wait(10)
        return [{"kode": "64.74", "targets": 7}]

    with ThreadPoolExecutor(7) as pool:
        leader = pool.submit(flight.run, "64.74", compute)
        assert started.wait(10)
        waiters = [pool.submit(flight.run, "64.74", compute) for _ in range(5)]
        deadline = time.monotonic() + 10
        while flight.waiting("64.74") < 5:  # all five join the running call
            assert time.monotonic() < deadline
            time.sleep(0.01)
        other = pool.submit(flight.run, "64.71", lambda: ["other"])  # another key: its own run
        assert other.result(10) == ["other"]
        release.set()
        results = [leader.result(10), *(w.result(10) for w in waiters)]
    assert runs == [1]
    assert results == [[{"kode": "64.74", "targets": 7}]] * 6


def test_a_call_after_the_first_ended_computes_again():
    flight = SingleFlight()
    values = iter([1, 2])
    assert flight.run("k", lambda: next(values)) == 1
    assert flight.run("k", lambda: next(values)) == 2


def test_the_leader_s_error_reaches_the_waiters_and_is_not_kept():
    flight = SingleFlight()
    started, release = threading.Event(), threading.Event()

    def failing():
        started.set()
        assert release.wait(10)
        raise ValueError("basis data terputus")

    with ThreadPoolExecutor(2) as pool:
        leader = pool.submit(flight.run, "k", failing)
        assert started.wait(10)
        waiter = pool.submit(flight.run, "k", lambda: "tidak dipanggil")
        deadline = time.monotonic() + 10
        while flight.waiting("k") < 1:  # the waiter joins before the leader fails
            assert time.monotonic() < deadline
            time.sleep(0.01)
        release.set()
        with pytest.raises(ValueError):
            leader.result(10)
        with pytest.raises(ValueError):
            waiter.result(10)
    assert flight.run("k", lambda: "lagi") == "lagi"
