"""Server-rendered pages for people (Jinja2 templates in ``app/templates``), beside the JSON
API and calling the same service functions; a page route holds no business rule.

Public: ``install`` (registers every page router; called by ``create_app``). Building blocks
for a page module: ``nav`` (``register(Page(...))``: path, label, roles), ``access.guard``
(the route's principal, refused with the "tidak berhak" page for other roles), ``render``
(a template in the base layout), ``flash`` (one-time message after a form post),
``forms`` (filters and field errors).
"""

from __future__ import annotations

from fastapi import FastAPI

from app.pages import (
    beranda,
    check,
    home,
    pengguna,
    peta,
    plan_editor,
    planning,
    suggestions,
    tabel,
    upload,
)


def install(app: FastAPI) -> None:
    """Include the page routers (each module registered its navigation entry at import).
    The plan editor comes before ``planning``: its ``/perencanaan/rencana/baru`` must not be
    taken for a plan number."""
    for module in (home, beranda, peta, tabel, check, upload, suggestions, plan_editor,
                   planning, pengguna):
        app.include_router(module.router)
    app.router.on_shutdown.append(lambda: upload.close_board(app))


__all__ = ["install"]
