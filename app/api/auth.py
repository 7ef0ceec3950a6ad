"""Web login for the pages (session cookie), logout, and who-am-I for any client.

The login form is CSRF-safe by double submit: GET /login sets a random token in an HttpOnly,
SameSite=Strict cookie and in a hidden field; POST /login accepts only when both match. After
login, ``sasaran_csrf`` (readable by the page's scripts) holds the session's CSRF token, which
state-changing requests made with the session cookie must echo in ``X-CSRF-Token``.
"""

from __future__ import annotations

import hmac
import logging
import math
import secrets
import time
from collections.abc import Callable

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from app.deps import ConnDep, SettingsDep
from app.pages.render import render
from app.principal import Principal
from app.security import CSRF_COOKIE, SESSION_COOKIE, PrincipalDep
from app.services.access import audit, users
from app.settings import Settings

router = APIRouter(tags=["akses"])
log = logging.getLogger("sasaran.auth")
LOGIN_CSRF_COOKIE = "sasaran_login_csrf"
LOCKOUT_SECONDS = 15 * 60
MAX_TRACKED = 10_000


class LoginThrottle:
    """Failed logins per key (a user name, or a client address) in a sliding window of
    ``LOCKOUT_SECONDS`` (in memory, per process). ``clock`` is monotonic seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures: dict[str, list[float]] = {}

    def wait(self, key: str, limit: int, now: float) -> int:
        """0 while ``key`` has fewer than ``limit`` failures in the window; else the seconds
        until the oldest of the last ``limit`` expires, when one more try is allowed (the
        ``Retry-After``)."""
        recent = [t for t in self.failures.get(key, []) if now - t < LOCKOUT_SECONDS]
        self.failures[key] = recent
        if len(recent) < limit:
            return 0
        return max(1, math.ceil(recent[-limit] + LOCKOUT_SECONDS - now))

    def fail(self, key: str, now: float) -> None:
        if len(self.failures) > MAX_TRACKED:  # many invented names: forget the expired ones
            self.failures = {k: t for k, t in self.failures.items()
                             if t and now - t[-1] < LOCKOUT_SECONDS}
        self.failures.setdefault(key, []).append(now)

    def clear(self, key: str) -> None:
        self.failures.pop(key, None)

    def retry_after(self, name: str, address: str, settings: Settings, now: float) -> int:
        """Seconds before ``name`` may be tried from ``address`` again (0: now). The address
        limit stops one client trying many names, each under the per-name limit."""
        return max(self.wait(f"name:{name}", settings.login_attempts_max, now),
                   self.wait(f"addr:{address}", settings.login_attempts_per_address, now))

    def failed(self, name: str, address: str, now: float) -> None:
        self.fail(f"name:{name}", now)
        self.fail(f"addr:{address}", now)

    def succeeded(self, name: str) -> None:
        # The address keeps its count: else one valid account would let guessing go on.
        self.clear(f"name:{name}")


class MeOut(BaseModel):
    nama_pengguna: str
    peran: str = Field(description="admin, analyst, agency, atau viewer")
    awalan_wilayah: list[str] = Field(description="Kode wilayah yang boleh dilihat; kosong = semua")
    kode_instansi: str | None
    boleh_melihat_perorangan: bool
    boleh_memeriksa: bool
    boleh_mengimpor: bool
    admin: bool


def _secure(settings: Settings) -> bool:
    return settings.cookie_secure if settings.cookie_secure is not None \
        else settings.mode != "local"


def _safe_next(target: str | None) -> str:
    """Only a local path: never an open redirect to another site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _throttle(request: Request) -> LoginThrottle:
    if not hasattr(request.app.state, "login_throttle"):
        request.app.state.login_throttle = LoginThrottle()
    return request.app.state.login_throttle


def _login_page(request: Request, settings: Settings, message: str | None, status: int,
                next_path: str, username: str = "") -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", None, status=status, pesan=message,
                      login_token=token, next=_safe_next(next_path), username=username)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=_secure(settings), path="/login", max_age=3600)
    return response


@router.get("/login", response_class=HTMLResponse, summary="Halaman masuk")
def login_page(request: Request, settings: SettingsDep, next: str = "/") -> HTMLResponse:
    return _login_page(request, settings, None, 200, next)


@router.post("/login", response_class=HTMLResponse, summary="Masuk (formulir)",
             responses={303: {"description": "Berhasil: ke halaman tujuan"}})
def login(
    request: Request, conn: ConnDep, settings: SettingsDep,
    username: str = Form(..., max_length=100), password: str = Form(..., max_length=1000),
    csrf_token: str = Form("", max_length=200), next: str = Form("/", max_length=2000),
) -> Response:
    sent = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not sent or not hmac.compare_digest(sent.encode(), csrf_token.encode()):
        return _login_page(request, settings, "Formulir kedaluwarsa; silakan coba lagi.", 403,
                           next)
    name, throttle = username.strip().lower(), _throttle(request)
    address, now = request.client.host if request.client else "-", throttle.clock()
    wait = throttle.retry_after(name, address, settings, now)
    if wait:
        limited = _login_page(request, settings, "Terlalu banyak percobaan gagal; coba lagi "
                              f"dalam {math.ceil(wait / 60)} menit.", 429, next, name)
        limited.headers["Retry-After"] = str(wait)
        return limited
    principal = users.authenticate(conn, name, password)
    if principal is None:
        throttle.failed(name, address, now)
        log.warning("failed login for %r", name)
        # Recorded so that `sasaran audit --action login` shows guessing; role unknown ("-").
        audit.record(conn, Principal(username=name[:100], role="-"), "login.failed")
        return _login_page(request, settings, "Nama pengguna atau kata sandi salah.", 401, next,
                           name)
    throttle.succeeded(name)
    cookie, csrf = users.create_session(conn, name, users.session_key(settings),
                                        settings.session_hours)
    audit.record(conn, principal, "login")
    response = RedirectResponse(_safe_next(next), status_code=303)
    age, secure = settings.session_hours * 3600, _secure(settings)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=age, httponly=True, samesite="strict",
                        secure=secure, path="/")
    response.set_cookie(CSRF_COOKIE, csrf, max_age=age, httponly=False, samesite="strict",
                        secure=secure, path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", summary="Keluar", responses={303: {"description": "Ke halaman masuk"}})
def logout(request: Request, conn: ConnDep, settings: SettingsDep,
           csrf_token: str = Form("", max_length=200)) -> Response:
    cookie, key = request.cookies.get(SESSION_COOKIE), users.session_key(settings)
    found = users.principal_for_session(conn, cookie, key) if cookie else None
    if found is not None:
        principal, csrf = found
        sent = csrf_token or request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent.encode(), csrf.encode()):
            return _login_page(request, settings, "Token CSRF tidak cocok; keluar dibatalkan.",
                               403, "/")
        users.end_session(conn, cookie or "", key)
        audit.record(conn, principal, "logout")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/api/v1/me", response_model=MeOut, summary="Siapa saya dan apa yang boleh")
def me(principal: PrincipalDep) -> MeOut:
    return MeOut(
        nama_pengguna=principal.username, peran=principal.role,
        awalan_wilayah=list(principal.area_prefixes), kode_instansi=principal.agency_kode,
        boleh_melihat_perorangan=principal.can_see_persons, boleh_memeriksa=principal.can_check,
        boleh_mengimpor=principal.can_import, admin=principal.can_admin,
    )
