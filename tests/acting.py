"""Acting as a principal in a test: the app's one seam for who is asking
(``app.security.principal_resolver``), so plain endpoints (``PrincipalDep``) and the one-hop ones
(``DbWork``: the tiles) see the same principal."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request

from app.principal import Principal
from app.security import Resolver, principal_resolver


def act_as(app: FastAPI, who: Principal | Callable[[Request], Principal]) -> None:
    """Every request as ``who``: a principal, or a function of the request choosing one."""
    def resolver(request: Request) -> Resolver:
        principal = who(request) if callable(who) else who
        return lambda conn: principal

    app.dependency_overrides[principal_resolver] = resolver
