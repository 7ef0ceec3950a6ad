"""Engine creation: ``DATABASE_URL`` when given, else the private local cluster.

The private cluster is single-node PostGIS in ``<data dir>/pgdata``, or, once
``sasaran db up --citus`` has made one, a Citus cluster in ``<data dir>/citus`` (the data dir's
``cluster`` file records which one is in use).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine

from app.db.localcitus import LocalCitus
from app.db.localpg import LocalPostgres
from app.settings import Settings

CITUS = "citus"


def _kind_file(settings: Settings) -> Path:
    return settings.data_dir.resolve() / "cluster"


def uses_citus(settings: Settings) -> bool:
    kind = _kind_file(settings)
    return kind.exists() and kind.read_text().strip() == CITUS


def choose_cluster(settings: Settings, citus: bool) -> None:
    """Record which private cluster the data dir uses from now on (its data is kept)."""
    kind = _kind_file(settings)
    if citus:
        kind.parent.mkdir(parents=True, exist_ok=True)
        kind.write_text(CITUS + "\n")
    else:
        kind.unlink(missing_ok=True)


def local_cluster(settings: Settings, workers: int | None = None) -> LocalPostgres | LocalCitus:
    """The private cluster in use; ``workers`` adds Citus workers up to that number."""
    if uses_citus(settings):
        return LocalCitus(settings.data_dir / CITUS, workers=workers, port=settings.pg_port,
                          bindir=settings.pg_bindir, listen_tcp=settings.pg_listen_tcp)
    return LocalPostgres(
        settings.pgdata,
        port=settings.pg_port,
        bindir=settings.pg_bindir,
        listen_tcp=settings.pg_listen_tcp,
    )


def database_url(settings: Settings, start_local: bool = True) -> str:
    """The URL to use; starts the private cluster if no URL is configured and asked to."""
    if settings.database_url:
        return normalise_url(settings.database_url)
    cluster = local_cluster(settings)
    return cluster.up() if start_local else cluster.url


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    # No server-side prepared statements (psycopg prepares a statement run 5 times): the
    # server may then settle on one generic plan, and a generic plan cannot use an index for
    # the area scope predicate (app.services.scope), whose "NULL = everywhere" arm only folds
    # away when the statement is planned with its values.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10,
                         connect_args={"prepare_threshold": None})
