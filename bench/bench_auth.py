"""Cost of access control per request: argon2id login check, API-key and session lookup,
security-header middleware (CSP hashing) on a map-sized page, and the check rate limiter.

Run: ``flock /tmp/sasaran-bench.lock .venv/bin/python bench/bench_auth.py``
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from fastapi.testclient import TestClient

from app.hardening import RateLimit, content_security_policy
from app.main import create_app
from app.services.access import users
from app.settings import Settings

from common import bench_database, make_engine, summary, timed

PASSWORD = "kata-sandi-panjang-123"


def main() -> None:
    with bench_database(port=5447) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
            key = users.create_api_key(conn, "analis")
        with engine.begin() as conn:
            print("argon2id verify (login):", summary(
                timed(lambda: users.authenticate(conn, "analis", PASSWORD), 20)))
        settings = Settings(database_url=url, data_dir=Path("/tmp/sasaran-bench-auth"),
                            secret_key="b" * 40)
        with TestClient(create_app(settings, engine=engine)) as client:
            auth = {"Authorization": f"Bearer {key}"}
            client.get("/api/v1/me", headers=auth)
            print("GET /api/v1/me with API key:", summary(
                timed(lambda: client.get("/api/v1/me", headers=auth), 200)))
            page = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            client.post("/login", data={"username": "analis", "password": PASSWORD,
                                        "csrf_token": token}, follow_redirects=False)
            print("GET /api/v1/me with session cookie:", summary(
                timed(lambda: client.get("/api/v1/me"), 200)))
            print("GET /healthz (no auth, headers only):", summary(
                timed(lambda: client.get("/healthz"), 200)))
        engine.dispose()
    body = (b"<html><head><style>a{}</style></head><body>"
            + b"<script>var x = 1;</script>" * 20 + b"<div>" + b"x" * 200_000 + b"</div></html>")
    print("CSP hashes for a 200 kB page with 20 inline scripts:", summary(
        timed(lambda: content_security_policy(body, "https://tile.openstreetmap.org/{z}"), 200)))
    limiter = RateLimit(lambda *a: None, per_minute=30)  # type: ignore[arg-type]
    start = time.perf_counter()
    for i in range(100_000):
        limiter.take(f"k{i % 1000}", float(i))
    print(f"rate limiter: {(time.perf_counter() - start) / 100_000 * 1e6:.2f} us per request")


if __name__ == "__main__":
    main()
