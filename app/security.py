"""The access-control seam: who is asking, and what they may see.

Every router takes a ``PrincipalDep`` and asks it, never a role string directly:
``principal.can_see_persons`` before returning a person, ``principal.area_prefixes`` to scope
queries (applied inside the SQL, including counts), ``principal.suppress_small_counts`` for
aggregates, ``principal.agency_kode`` / ``sees_agency()`` for an agency's own enrollments.

Credentials, in order: ``Authorization: Bearer <API key>`` (machine clients), then the signed
session cookie of the web login. No credentials: 401, or a redirect to ``/login`` for pages.
``SASARAN_AUTH_DISABLED=true`` (local mode only) makes every request the local admin.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from app.deps import ConnDep, SettingsDep, Transaction, TransactionDep
from app.principal import LOCAL_ADMIN, Principal
from app.services.access import audit, users
from app.settings import Settings
from geo.errors import NotAuthenticated, PermissionDenied

SESSION_COOKIE = "sasaran_sesi"
CSRF_COOKIE = "sasaran_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Machine clients' paths: their bodies are never read here (uploads stream to the importer).
MACHINE_PREFIXES = ("/api/", "/tiles/")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def api_key_prefix(request: Request) -> str | None:
    """The public prefix of the API key the request authenticates with (a machine client, not
    the map page), or None."""
    token = _bearer(request)
    return None if token is None else users.key_prefix(token)


def resolve_principal(request: Request, conn: Connection, settings: Settings,
                      form_token: str | None = None) -> Principal | None:
    """The principal behind the request's credentials, or None when it carries none.

    A credential that is present but invalid (revoked key, expired session) is a 401 too.
    A session's CSRF token is kept in ``request.state.csrf_token`` for the pages' forms."""
    token = _bearer(request)
    if token is not None:
        principal = users.principal_for_api_key(conn, token)
        if principal is None:
            raise NotAuthenticated("Kunci API tidak sah, dicabut, atau penggunanya nonaktif.")
        return principal
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        found = users.principal_for_session(conn, cookie, users.session_key(settings))
        if found is None:
            raise NotAuthenticated("Sesi berakhir; silakan masuk kembali.")
        principal, csrf = found
        request.state.csrf_token = csrf
        _check_csrf(request, csrf, form_token)
        return principal
    return None


def _check_csrf(request: Request, csrf: str, form_token: str | None = None) -> None:
    """Cookie-authenticated state changes must echo the session's CSRF token in a header, or
    a page's plain form in its ``csrf_token`` field (SameSite=Strict already blocks cross-site
    sends; this is the second lock)."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER, "") or form_token or ""
    if not hmac.compare_digest(sent.encode(), csrf.encode()):
        raise PermissionDenied("Token CSRF tidak ada atau tidak cocok; muat ulang halaman.")


async def form_csrf_token(request: Request) -> str | None:
    """The ``csrf_token`` field of a page's form post (pages work as plain HTML forms, which
    cannot send a header). Only read for non-API paths that carry no CSRF header."""
    if (request.method in SAFE_METHODS or request.headers.get(CSRF_HEADER)
            or request.url.path.startswith(MACHINE_PREFIXES)):
        return None
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(FORM_TYPES):
        return None
    value = (await request.form()).get("csrf_token")
    return value if isinstance(value, str) else None


Resolver = Callable[[Connection], Principal]
"""The request's principal, found once a connection is open (a session or an API key is looked
up in the database)."""


async def principal_resolver(
    request: Request, settings: SettingsDep,
    form_token: Annotated[str | None, Depends(form_csrf_token)] = None,
) -> Resolver:
    """How to find who is asking; the one seam the tests replace to act as a principal
    (``tests/acting.py``), for both ``PrincipalDep`` and ``DbWork``."""
    def resolve(conn: Connection) -> Principal:
        principal = resolve_principal(request, conn, settings, form_token)
        if principal is not None:
            return principal
        if settings.auth_disabled and settings.mode == "local":
            return LOCAL_ADMIN
        raise NotAuthenticated("Perlu masuk: kirim 'Authorization: Bearer <kunci API>' atau "
                               "masuk lewat /login.")
    return resolve


ResolverDep = Annotated[Resolver, Depends(principal_resolver)]


def current_principal(conn: ConnDep, resolve: ResolverDep) -> Principal:
    return resolve(conn)


PrincipalDep = Annotated[Principal, Depends(current_principal)]

T = TypeVar("T")


@dataclass(frozen=True)
class DbWork:
    """A request's transaction, principal and database work in ONE thread hop, for the
    endpoints asked most often (tiles; coverage figures). ``ConnDep`` + ``PrincipalDep`` +
    a sync endpoint cost four hops into the threadpool (open, principal, endpoint, commit) and
    FastAPI's resolution of each: at 1 M households a point tile took 1,22x tipg's time, with
    this 1,05x (docs/performance.md, "Petak titik: satu lompatan"). The transaction commits
    before the answer is sent, as ``ConnDep``'s does."""

    transaction: Transaction
    resolve: Resolver

    async def run(self, work: Callable[[Connection, Principal], T]) -> T:
        def inside() -> T:
            with self.transaction() as conn:
                return work(conn, self.resolve(conn))
        return await run_in_threadpool(inside)


async def db_work(transaction: TransactionDep, resolve: ResolverDep) -> DbWork:
    return DbWork(transaction, resolve)


DbWorkDep = Annotated[DbWork, Depends(db_work)]


@dataclass(frozen=True)
class PersonAccess:
    """What a person-returning endpoint needs in one dependency: the principal, already known
    to be allowed to see persons (403 otherwise), and ``logged()`` to audit what it returns."""

    principal: Principal
    conn: Connection

    def logged(self, action: str, rows: int, target: str | None = None,
               filters: dict[str, object] | None = None) -> None:
        audit.record(self.conn, self.principal, action, target, filters, rows)


def person_access(principal: Annotated[Principal, Depends(current_principal)],
                  conn: ConnDep) -> PersonAccess:
    principal.require(principal.can_see_persons, "melihat data perorangan")
    return PersonAccess(principal, conn)


PersonAccessDep = Annotated[PersonAccess, Depends(person_access)]
