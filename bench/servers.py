"""Servers a benchmark runs beside the data set, each its own process on a free loopback port:
the app (``sasaran serve``, auth off: local mode) and tipg from PyPI (the anchor for tiles,
installed into ``bench/out/tipg-venv`` on first use; none of its code is in this repository).
Every server is stopped when its block ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import httpx

ROOT = Path(__file__).resolve().parents[1]
TIPG_VENV = ROOT / "bench" / "out" / "tipg-venv"
TIPG_VERSION = "1.6.1"
SECRET = "bench-coverage-secret-key-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(cmd: list[str], env: dict[str, str], ready_path: str,
            timeout: float = 120) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile(prefix="sasaran-bench-server-", suffix=".log") as log:
        yield from _serve([*cmd, "--port", str(port)], env, base + ready_path, base, log,
                          timeout)


def _serve(cmd: list[str], env: dict[str, str], ready: str, base: str, log: Any,
           timeout: float) -> Iterator[str]:
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=log,
                            stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise SystemExit(f"{cmd[0]} did not start:\n{log.read().decode()[-3000:]}")
            try:
                if httpx.get(ready, timeout=5).status_code < 500:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def app_server(url: str) -> AbstractContextManager[str]:
    """The app as users run it (``sasaran serve``), every request a local admin."""
    data_dir = tempfile.mkdtemp(prefix="sasaran-bench-app-")
    env = {"DATABASE_URL": url, "SASARAN_AUTH_DISABLED": "true", "SASARAN_SECRET_KEY": SECRET,
           "SASARAN_DATA_DIR": data_dir, "SASARAN_CHECK_RATE_PER_MINUTE": "100000"}
    return running([str(ROOT / ".venv" / "bin" / "sasaran"), "serve", "--host", "127.0.0.1"],
                   env, "/healthz")


def tipg_server(url: str, max_features: int) -> AbstractContextManager[str]:
    """tipg serving the same database's ``household`` table, its per-tile feature limit
    raised to ours so it leaves no point out that we draw."""
    # The same server stack as the app's (uvicorn with uvloop and httptools): the ratio is
    # about the tile code, not the HTTP parser.
    if not any(TIPG_VENV.glob("lib/*/site-packages/uvloop")):
        subprocess.run([sys.executable, "-m", "venv", str(TIPG_VENV)], check=True)
        subprocess.run([str(TIPG_VENV / "bin" / "pip"), "install", "-q",
                        f"tipg=={TIPG_VERSION}", "uvicorn", "uvloop", "httptools"],
                       check=True)
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    socket_dir = quote(query["host"][0], safe="")
    env = {"DATABASE_URL": f"postgresql://{parsed.username}@{socket_dir}:{query['port'][0]}"
                           f"{parsed.path}",
           "TIPG_DB_SCHEMAS": '["public"]',
           "TIPG_MAX_FEATURES_PER_TILE": str(max_features), "TIPG_DB_FUNCTIONS": "[]"}
    return running([str(TIPG_VENV / "bin" / "uvicorn"), "tipg.main:app", "--host", "127.0.0.1",
                    "--log-level", "warning"], env, "/collections")
