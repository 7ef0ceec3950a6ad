"""Shared helpers for the browser tests (Debian's headless Chromium through playwright).

- ``chromium`` (session fixture, via ``pytest_plugins`` in conftest.py): one browser per test
  session; open a page with ``new_page(chromium)``.
- ``live_app(db_url, name, build, tmp)``: the real app (real login, no principal override)
  served by uvicorn on a free loopback port, on its own throwaway database ``name`` filled by
  ``build(conn)``; dropped afterwards. Use it in a module-scoped fixture: one server per module.
- ``create_users(conn)``: one account per role (``USERS``) made by the service functions.
- ``login_as(page, base_url, role)``: logs in through the real login form.
- ``screenshot(page, name)``: ``test-artifacts/screens/<name>-1400.png`` and ``-390.png``.
- ``Watch(page)``: collects console errors, page errors, failed requests and HTTP errors.
- ``unnamed_controls(page)``: visible controls without a name; ``tab_until(page, css)``: the
  keyboard path (Tab presses) to a control, failing when it cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from live_server import serving
from sqlalchemy import Connection, Engine, create_engine, make_url, text

from app.db import migrate
from app.db.engine import make_engine
from app.main import create_app
from app.services.access import users
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SCREENS = ROOT / "test-artifacts" / "screens"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-default-apps", "--no-default-browser-check"]
WIDE, NARROW = 1400, 390
PASSWORD = "kata-sandi-uji-2026"


@dataclass(frozen=True)
class User:
    username: str
    role: str
    areas: tuple[str, ...] = ()
    agency: str | None = None


USERS = {
    "admin": User("admin-uji", "admin"),
    "analyst": User("analis-uji", "analyst", ("64.74",)),
    "agency": User("dinsos-uji", "agency", agency="DINSOS"),
    "viewer": User("pimpinan-uji", "viewer"),
}


def create_users(conn: Connection, accounts: dict[str, User] | None = None) -> None:
    """One account per role, password ``PASSWORD``, through ``users.create_user``."""
    for user in (accounts or USERS).values():
        users.create_user(conn, user.username, user.role, PASSWORD, list(user.areas),
                          user.agency)


@dataclass
class LiveApp:
    url: str
    db_url: str
    engine: Engine


@contextmanager
def throwaway_database(db_url: str, name: str) -> Iterator[str]:
    """A fresh database ``name`` in the test cluster, migrated; dropped on exit."""
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(db_url).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def live_app(db_url: str, name: str, build: Callable[[Connection], Any],
             tmp: pytest.TempPathFactory, **settings: Any) -> Iterator[LiveApp]:
    """The app with real authentication on its own database, filled by ``build`` (and the
    role accounts of ``USERS``), served on a free loopback port."""
    with throwaway_database(db_url, name) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            build(conn)
            create_users(conn)
        config = Settings(database_url=url, data_dir=tmp.mktemp(name),
                          secret_key="browser-test-secret-key-0123456789abcdef",
                          tile_url=None, **settings)
        app = create_app(config, engine=engine)
        try:
            with serving(app) as base:
                yield LiveApp(base, url, engine)
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Debian Chromium for the whole session (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser: Any, width: int = WIDE, **options: Any) -> Any:
    """A page in a fresh context (its own cookies), downloads accepted."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  accept_downloads=True, locale="id-ID", **options)
    return context.new_page()


def login_as(page: Any, base_url: str, role: str, next_path: str = "/") -> None:
    """Log in as ``USERS[role]`` through the login form; waits for the page after it."""
    page.goto(f"{base_url}/login?next={quote(next_path, safe='')}")
    page.get_by_label("Nama pengguna").fill(USERS[role].username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()
    if "/login" in page.url:
        raise AssertionError(f"login as {role} failed: {page.locator('main').inner_text()}")


def screenshot(page: Any, name: str) -> list[Path]:
    """Full-page pictures at 1400 and 390 px wide, for review; the width is restored."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size or {"width": WIDE, "height": 900}
    paths = []
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)  # let the layout settle after the resize
        path = SCREENS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(before)
    return paths


def batch_figures(page: Any) -> dict[str, str]:
    """An upload result page's summary figures as shown: label -> number text."""
    return dict(page.locator("#ringkasan-batch > div").evaluate_all(
        "divs => divs.map(d => [d.querySelector('dt').innerText,"
        " d.querySelector('dd').innerText])"))


def overflows_horizontally(page: Any) -> bool:
    """True when the document is wider than the viewport (a page unusable at 390 px)."""
    return bool(page.evaluate(
        "() => document.documentElement.scrollWidth > window.innerWidth + 1"))


class Watch:
    """Every console error, page error, failed request and HTTP error response of a page."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"HTTP {r.status}: {r.url}"))


# Controls a person can reach: links, buttons, fields and anything given a tab stop.
_CONTROLS = ("a[href], button, input:not([type=hidden]), select, textarea, "
             "[tabindex]:not([tabindex='-1'])")


def unnamed_controls(page: Any) -> list[str]:
    """Visible controls without a name a screen reader could say: no label element, no
    aria-label(ledby), no title, no text (an approximation of the accessible name, enough to
    catch a field without its label or an icon-only button)."""
    return list(page.evaluate("""(selector) => {
      const text = (el) => (el ? (el.innerText || el.textContent || "").trim() : "");
      const named = (el) => {
        if ((el.getAttribute("aria-label") || "").trim()) return true;
        const by = el.getAttribute("aria-labelledby");
        if (by && by.split(/\\s+/).some((id) => text(document.getElementById(id)))) return true;
        if (el.labels && [...el.labels].some((l) => text(l))) return true;
        if ((el.getAttribute("title") || "").trim()) return true;
        if (el.tagName === "INPUT" && ["submit", "button", "reset"].includes(el.type))
          return Boolean(el.value.trim());
        if (["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)) return false;
        return Boolean(text(el)) || [...el.querySelectorAll("img[alt]")].some((i) => i.alt.trim());
      };
      return [...document.querySelectorAll(selector)]
        .filter((el) => el.getClientRects().length > 0 && !named(el))
        .map((el) => el.outerHTML.slice(0, 160));
    }""", _CONTROLS))


def tab_until(page: Any, matches: str, limit: int = 200) -> list[str]:
    """Press Tab until the focused element matches the CSS selector ``matches``; returns the
    focus stops passed on the way (tag and text). Fails when ``limit`` presses never reach it:
    the control is not reachable by keyboard."""
    stops: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", matches):
            return stops
        stops.append(page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.tagName + ' ' + (e.innerText || e.value || '').trim().slice(0, 40); }"))
    raise AssertionError(f"{matches} not reached by {limit} Tab presses: {stops[-10:]}")
