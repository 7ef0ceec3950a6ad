"""``sasaran db up|down|status`` and ``sasaran migrate``."""

from __future__ import annotations

import typer

from app.cli.base import cli, console, db_app, engine, settings

# Alembic and the cluster code are imported by the command that runs (see app/cli/coverage.py).

CITUS_HELP = ("Klaster Citus (koordinator + pekerja) alih-alih PostGIS satu simpul; tersimpan "
              "untuk perintah berikutnya. --no-citus kembali ke PostGIS satu simpul.")


@db_app.command("up")
def db_up(
    citus: bool | None = typer.Option(None, "--citus/--no-citus", help=CITUS_HELP),
    workers: int | None = typer.Option(None, "--workers", min=1, max=16,
                                       help="Jumlah pekerja Citus (bawaan 2; hanya menambah)."),
) -> None:
    """Buat (pertama kali) dan jalankan klaster PostGIS pribadi (atau Citus)."""
    from app.db.engine import choose_cluster, local_cluster
    from app.db.localcitus import LocalCitus

    config = settings()
    if citus is not None:
        if not citus and workers is not None:
            raise typer.BadParameter("--workers hanya berlaku dengan --citus.")
        choose_cluster(config, citus)
    cluster = local_cluster(config, workers=workers)
    if workers is not None and not isinstance(cluster, LocalCitus):
        raise typer.BadParameter("--workers hanya berlaku dengan --citus.")
    url = cluster.up()
    if isinstance(cluster, LocalCitus):
        console.print(f"Citus lokal berjalan: koordinator {cluster.coordinator.pgdata} dan "
                      f"{len(cluster.worker_nodes)} pekerja ({url})")
    else:
        console.print(f"PostGIS lokal berjalan di {cluster.pgdata} ({url})")


@db_app.command("down")
def db_down() -> None:
    """Hentikan klaster pribadi (semua simpulnya)."""
    from app.db.engine import local_cluster
    from app.db.localcitus import LocalCitus

    cluster = local_cluster(settings())
    cluster.down()
    console.print("Citus lokal dihentikan." if isinstance(cluster, LocalCitus)
                  else "PostGIS lokal dihentikan.")


@db_app.command("status")
def db_status() -> None:
    """Tampilkan status klaster pribadi (setiap simpul untuk Citus)."""
    from app.db.engine import local_cluster
    from app.db.localcitus import LocalCitus

    cluster = local_cluster(settings())
    if isinstance(cluster, LocalCitus):
        console.print(f"Citus lokal ({cluster.root}):")
        for name, node, state in cluster.status():
            role = "koordinator" if node is cluster.coordinator else "pekerja"
            console.print(f"  {name:<12} {role:<11} {node.pgdata}  {state}")
    else:
        console.print(f"PostGIS lokal ({cluster.pgdata}): {cluster.status()}")


@db_app.command("rebalance")
def db_rebalance() -> None:
    """Citus: sebar ulang shard ke semua pekerja (setelah pekerja ditambah), lalu tunggu."""
    from app.db import citus as distributed

    # Autocommit: the moves run as background jobs that must see the job just scheduled.
    with engine().connect() as conn:
        moves = distributed.rebalance(conn.execution_options(isolation_level="AUTOCOMMIT"))
    console.print(f"Penyeimbangan selesai: {moves} shard dipindahkan.")


@cli.command("migrate")
def migrate(revision: str = "heads") -> None:
    """Terapkan migrasi skema basis data (Alembic)."""
    from app.db import migrate as migrations
    from app.db.engine import database_url

    migrations.upgrade(database_url(settings()), revision)
    console.print(f"Skema basis data pada revisi: {revision}")
