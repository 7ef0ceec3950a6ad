"""Results a page shows now and offers for download a moment later, held in memory only.

The Cek penerima result is the agency's own list (plain NIKs included) plus the answers: it
must not be written to disk on the server. It is kept here, in the process, for
``KEEP_MINUTES``, readable only by the user who made it; the oldest go first when
``MOST`` are held.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from geo.errors import NotFound

KEEP_MINUTES = 20
MOST = 64


@dataclass
class Held:
    owner: str
    value: Any
    stored: float


class Shelf:
    def __init__(self) -> None:
        self.items: OrderedDict[str, Held] = OrderedDict()
        self.lock = threading.Lock()

    def put(self, owner: str, value: Any) -> str:
        token = secrets.token_urlsafe(16)
        with self.lock:
            self._expire(time.monotonic())
            self.items[token] = Held(owner, value, time.monotonic())
            while len(self.items) > MOST:
                self.items.popitem(last=False)
        return token

    def get(self, token: str, owner: str) -> Any:
        with self.lock:
            self._expire(time.monotonic())
            held = self.items.get(token)
        if held is None or held.owner != owner:
            raise NotFound("Hasil ini sudah kedaluwarsa atau bukan milik Anda; periksa ulang "
                           "daftarnya.")
        return held.value

    def _expire(self, now: float) -> None:
        for token in [t for t, h in self.items.items() if now - h.stored > KEEP_MINUTES * 60]:
            del self.items[token]


_LOCK = threading.Lock()


def shelf_of(request: Request, name: str) -> Shelf:
    """The application's shelf called ``name`` (created on first use)."""
    state = request.app.state
    with _LOCK:
        if not hasattr(state, name):
            setattr(state, name, Shelf())
        return getattr(state, name)
