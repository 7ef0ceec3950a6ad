"""``sasaran db up|down|status`` and ``sasaran migrate``."""

from __future__ import annotations

from app.cli.base import cli, console, db_app, settings
from app.db import migrate as migrations
from app.db.engine import database_url, local_cluster


@db_app.command("up")
def db_up() -> None:
    """Buat (pertama kali) dan jalankan klaster PostGIS pribadi."""
    cluster = local_cluster(settings())
    url = cluster.up()
    console.print(f"PostGIS lokal berjalan di {cluster.pgdata} ({url})")


@db_app.command("down")
def db_down() -> None:
    """Hentikan klaster PostGIS pribadi."""
    local_cluster(settings()).down()
    console.print("PostGIS lokal dihentikan.")


@db_app.command("status")
def db_status() -> None:
    """Tampilkan status klaster PostGIS pribadi."""
    cluster = local_cluster(settings())
    console.print(f"PostGIS lokal ({cluster.pgdata}): {cluster.status()}")


@cli.command("migrate")
def migrate(revision: str = "heads") -> None:
    """Terapkan migrasi skema basis data (Alembic)."""
    migrations.upgrade(database_url(settings()), revision)
    console.print(f"Skema basis data pada revisi: {revision}")
