"""A one-time message shown on the next page after a form post (post/redirect/get), carried in
a short-lived cookie signed with the session key so that nobody can plant text in the layout.

Never put a secret in a flash message (an API key shown once is rendered in the POST's own
answer instead)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from app.services.access import users

FLASH_COOKIE = "sasaran_pesan"
KINDS = ("ok", "galat", "info")


@dataclass(frozen=True)
class Flash:
    message: str
    kind: str = "ok"  # ok | galat | info: the CSS class of the banner


def _key(request: Request) -> bytes:
    return users.session_key(request.app.state.settings)


def _sign(request: Request, payload: str) -> str:
    return hmac.new(_key(request), payload.encode(), hashlib.sha256).hexdigest()


def set_flash(request: Request, response: Response, message: str, kind: str = "ok") -> None:
    payload = base64.urlsafe_b64encode(
        json.dumps({"m": message, "k": kind}).encode()).decode()
    response.set_cookie(FLASH_COOKIE, f"{payload}.{_sign(request, payload)}", max_age=120,
                        httponly=True, samesite="strict", path="/")


def read_flash(request: Request) -> Flash | None:
    """The pending message, or None (also for a cookie whose signature does not match)."""
    cookie = request.cookies.get(FLASH_COOKIE, "")
    payload, _, signature = cookie.rpartition(".")
    if not payload or not hmac.compare_digest(signature, _sign(request, payload)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        return None
    kind = data.get("k") if data.get("k") in KINDS else "info"
    return Flash(str(data.get("m", "")), kind)


def clear_flash(request: Request, response: Response) -> None:
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
