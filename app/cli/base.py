"""The shared Typer application, its command groups, and the CLI's database plumbing.

Commands call the same service functions as the API, never the API over HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from geo.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from app.settings import Settings

cli = typer.Typer(
    name="sasaran",
    help="Sasaran: dasbor geospasial penargetan kemiskinan.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Kelola PostGIS lokal pribadi.", no_args_is_help=True)
import_app = typer.Typer(help="Impor data (rumah tangga, program, kepesertaan).",
                         no_args_is_help=True)
export_app = typer.Typer(help="Ekspor tabel dan peta.", no_args_is_help=True)
cli.add_typer(db_app, name="db")
cli.add_typer(import_app, name="import")
cli.add_typer(export_app, name="export")

console = Console()
err_console = Console(stderr=True)


@cache
def settings() -> Settings:
    # Imported here: ``sasaran --help`` needs neither pydantic settings nor SQLAlchemy.
    from app import clock
    from app.settings import Settings

    loaded = Settings()
    clock.use_timezone(loaded.timezone)  # every default reference date is in this zone
    return loaded


def log_to_file() -> None:
    """Send this run's log (an unexpected error's traceback) to ``<data_dir>/sasaran-cli.log``
    instead of the terminal."""
    try:
        folder = settings().data_dir
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "sasaran-cli.log")
    except Exception:  # no writable data directory (or no settings): keep the line only
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.getLogger().addHandler(handler)


@cache
def engine() -> Engine:
    """The engine; starts the private cluster first when no DATABASE_URL is configured."""
    from app.db.engine import database_url, make_engine

    return make_engine(database_url(settings()))


@contextmanager
def transaction() -> Iterator[Connection]:
    with engine().begin() as conn:
        yield conn


def reference_date(value: str | None, option: str = "--ref-date") -> date:
    """The reference date a command was given (YYYY-MM-DD), today (SASARAN_TIMEZONE) without
    one."""
    if not value:
        from app import clock

        settings()  # installs SASARAN_TIMEZONE
        return clock.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"{option} '{value}' bukan tanggal YYYY-MM-DD.") from exc
