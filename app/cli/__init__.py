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
from app.cli.base import cli, err_console, log_to_file
from app.redaction import install_log_masking


def main() -> None:
    """Run the CLI; every failure becomes one clear line (the same words as the API's, from
    ``app.failures``) and exit code 1, never a stack trace (that goes to the log file)."""
    install_log_masking()
    try:
        cli()
    except KeyboardInterrupt:
        err_console.print("[red]Galat:[/] dibatalkan.")
        sys.exit(130)
    except Exception as exc:
        from app.failures import failure  # SQLAlchemy behind it: only when something failed

        log_to_file()
        err_console.print(f"[red]Galat:[/] {failure(exc).message}", markup=True,
                          highlight=False)
        sys.exit(1)
