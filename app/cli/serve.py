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
    from app.db.engine import database_url, make_engine
    from app.main import create_app
    from app.services.coverage.poverty_sums import adopt_line
    from geo.text import rupiah

    config = settings()
    url = database_url(config)
    migrations.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:  # once per change of line: ~25 s at 10 M households
        if adopt_line(conn, config.poverty_line):
            console.print("Jumlah FGT per kelurahan dihitung ulang untuk garis kemiskinan "
                          f"{rupiah(config.poverty_line)}.")
    app = create_app(config, engine)
    host, port = host or config.host, port or config.port
    console.print(f"Sasaran siap di http://{host}:{port}/  (API: /docs)")
    uvicorn.run(app, host=host, port=port, log_level="info")
