"""Concurrent identical computations share one run; nothing is kept once it ends.

A map's first view asks for a dozen aggregate tiles at once (two layers, six tiles each), and
each needs the area table of the same kab/kota (or of the whole data set below zoom 8): at
1 M households each tile recomputed it (~0.4 s) and every tile of the first view took
1.2-1.3 s. Here the concurrent callers wait for the first one's rows instead. A result is
forgotten as soon as it is delivered, so a later request always reads the database again:
the map never shows figures older than the request that asked for them, without a data
version to invalidate a cache with. A waiter gets the rows of a transaction that started at
about the same moment as its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any


class _Call:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.waiters = 0


class SingleFlight:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[Hashable, _Call] = {}

    def run(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, or the result of the call with the same ``key`` already running."""
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if call is None:
                call = self._calls[key] = _Call()
            else:
                call.waiters += 1
        if not leader:
            call.done.wait()
            if call.error is not None:
                raise call.error
            return call.result
        try:
            call.result = compute()
        except BaseException as error:
            call.error = error
            raise
        finally:
            with self._lock:
                del self._calls[key]
            call.done.set()
        return call.result

    def waiting(self, key: Hashable) -> int:
        """How many callers wait for the running call of ``key`` (0: none running)."""
        with self._lock:
            call = self._calls.get(key)
            return 0 if call is None else call.waiters
