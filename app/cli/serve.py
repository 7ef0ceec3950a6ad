"""``sasaran serve``."""

from __future__ import annotations

import typer

from app.cli.base import cli, console, settings


@cli.command("serve")
def serve(
    host: str = typer.Option(None, help="Alamat (bawaan 127.0.0.1)"),
    port: int = typer.Option(None, help="Port (bawaan 8000)"),
) -> None:
    """Jalankan API dan peta (memulai PostGIS lokal dan migrasi bila perlu)."""
    import uvicorn

    from app.db import migrate as migrations
    from app.db.engine import database_url
    from app.main import create_app

    config = settings()
    migrations.upgrade(database_url(config))
    app = create_app(config)
    host, port = host or config.host, port or config.port
    console.print(f"Sasaran siap di http://{host}:{port}/  (API: /docs)")
    uvicorn.run(app, host=host, port=port, log_level="info")
