"""A request's transaction is committed before its response leaves the server: a client that
follows a redirect at once (the browser after the login form) must see what the request saved."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text

from app.deps import ConnDep
from app.main import create_app


def test_what_a_request_saved_is_committed_when_its_response_starts(engine, settings):
    with engine.begin() as c:
        c.execute(text("CREATE TABLE IF NOT EXISTS uji_commit_probe (n int)"))
        c.execute(text("TRUNCATE uji_commit_probe"))
    app = create_app(settings, engine=engine)

    @app.post("/uji-probe")
    def probe(conn: ConnDep) -> dict[str, int]:
        conn.execute(text("INSERT INTO uji_commit_probe VALUES (7)"))
        return {"n": 7}

    seen_at_start: list[int] = []

    async def spying(scope, receive, send):
        async def spy(message):
            if message["type"] == "http.response.start" and scope["path"] == "/uji-probe":
                with engine.connect() as other:  # another session: sees committed rows only
                    seen_at_start.append(other.execute(
                        text("SELECT count(*) FROM uji_commit_probe")).scalar_one())
            await send(message)
        await app(scope, receive, spy)

    try:
        with TestClient(spying) as client:
            assert client.post("/uji-probe").json() == {"n": 7}
        assert seen_at_start == [1]
    finally:
        with engine.begin() as c:
            c.execute(text("DROP TABLE uji_commit_probe"))
