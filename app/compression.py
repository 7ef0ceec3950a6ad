"""Compression shared by the app's answers.

``GZIP_LEVEL`` is the level of ``GZipMiddleware`` (Starlette's default is 9). Measured on a
1,4 MB GeoJSON: level 9 587 ms, level 6 183 ms, level 1 19 ms for 463 / 476 / 540 kB; on the
47 kB boundary layer of the sample city 4,1 / 1,7 / 0,3 ms (docs/performance.md). Level 6 gives
up ~3 % of size for a third of the time, per request.

``gzip_response``: a body that is the same for many requests (the boundary GeoJSON of the map
page, cached per version of the ``wilayah`` table) is compressed once and kept, not once per
page load: at 1 M households the kelurahan layer is the page's slowest request.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections import OrderedDict

from fastapi import Request
from fastapi.responses import Response

GZIP_LEVEL = 6
_CACHE: OrderedDict[bytes, bytes] = OrderedDict()
_LOCK = threading.Lock()  # requests run in a thread pool
CACHE_SIZE = 16


def gzipped(body: bytes) -> bytes:
    """``body`` gzip-compressed, from the cache when the same bytes were compressed before."""
    key = hashlib.blake2b(body, digest_size=16).digest()
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip framing
    packed = packer.compress(body) + packer.flush()
    with _LOCK:
        _CACHE[key] = packed
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return packed


def gzip_response(request: Request, body: str, media_type: str) -> Response:
    """``body`` as an answer, gzip-compressed from the cache when the client accepts gzip
    (``GZipMiddleware`` leaves an answer that already has a Content-Encoding alone)."""
    raw = body.encode()
    if "gzip" not in request.headers.get("accept-encoding", ""):
        return Response(raw, media_type=media_type)  # the middleware adds its Vary
    # The middleware leaves this one alone, its Vary too.
    return Response(gzipped(raw), media_type=media_type,
                    headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
