"""``/``: each role's start page (the page that names the role in ``start_for``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from app.pages.nav import start_path
from app.security import PrincipalDep

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(principal: PrincipalDep) -> RedirectResponse:
    return RedirectResponse(start_path(principal), status_code=303)
