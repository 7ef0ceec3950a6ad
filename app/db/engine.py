"""Engine creation: ``DATABASE_URL`` when given, else the private local cluster."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine

from app.db.localpg import LocalPostgres
from app.settings import Settings


def local_cluster(settings: Settings) -> LocalPostgres:
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
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
