"""The ``sasaran`` console script."""

from __future__ import annotations

import sys

from app.cli import (  # noqa: F401  (modules register their commands)
    coverage,
    db,
    demo,
    imports,
    plan,
    profiles,
    serve,
    users,
    wilayah,
)
from app.cli import map as _map  # noqa: F401
from app.cli import report as _report  # noqa: F401
from app.cli.base import cli, err_console
from geo.errors import SasaranError


def main() -> None:
    """Run the CLI; domain errors become one clear line and exit code 1, never a stack trace."""
    try:
        cli()
    except SasaranError as exc:
        err_console.print(f"[red]Galat:[/] {exc.message}")
        sys.exit(1)
