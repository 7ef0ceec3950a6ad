"""Accounts, API keys and web sessions: the same functions serve the CLI and the API.

Passwords are hashed with argon2id; API keys (``ssr_<awalan>_<rahasia>``) and session tokens
are long random values, stored only as SHA-256 digests. Functions take a connection already
inside a transaction and never commit.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, text

from app.principal import ROLES, Principal
from app.settings import Settings
from geo.codes import level_of
from geo.errors import Conflict, InvalidInput, NotFound

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash verified against when the user does not exist, so that an unknown name takes as
    long as a wrong password. Made on first use: argon2 is slow on purpose (~0.2 s of CPU), and
    every CLI command importing this module paid it at start."""
    return _hasher.hash("sasaran-dummy-password")


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,99}$")
MIN_PASSWORD = 10
KEY_PREFIX = "ssr"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _validate_account(role: str, areas: list[str], agency: str | None) -> None:
    if role not in ROLES:
        raise InvalidInput(f"Peran '{role}' tidak dikenal; pilih salah satu: {', '.join(ROLES)}.",
                           {"kolom": "peran"})
    for area in areas:
        if level_of(area) is None:
            raise InvalidInput(f"Kode wilayah '{area}' tidak sah (contoh: 64.74).",
                               {"kolom": "wilayah"})
    if role == "analyst" and not areas:
        raise InvalidInput("Peran analyst wajib diberi wilayah (mis. 64.74).",
                           {"kolom": "wilayah"})
    if role == "agency" and not agency:
        raise InvalidInput("Peran agency wajib diberi instansi.", {"kolom": "instansi"})
    if role != "agency" and agency:
        raise InvalidInput("Instansi hanya untuk peran agency.", {"kolom": "instansi"})


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"Kata sandi terlalu pendek: minimal {MIN_PASSWORD} karakter.",
                           {"kolom": "kata_sandi"})


def create_user(
    conn: Connection, username: str, role: str, password: str | None,
    areas: list[str] | None = None, agency: str | None = None,
) -> int:
    """Create an account; ``password`` None makes an API-only account (no web login)."""
    areas = areas or []
    if not USERNAME.match(username):
        raise InvalidInput("Nama pengguna: huruf kecil, angka, titik, garis; 2-100 karakter.",
                           {"kolom": "nama_pengguna"})
    _validate_account(role, areas, agency)
    if password is not None:
        check_password_strength(password)
    exists = conn.execute(text("SELECT 1 FROM pengguna WHERE nama_pengguna = :u"),
                          {"u": username}).first()
    if exists:
        raise Conflict(f"Pengguna '{username}' sudah ada.", {"kolom": "nama_pengguna"})
    return conn.execute(
        text("INSERT INTO pengguna (nama_pengguna, kata_sandi_hash, peran, awalan_wilayah, "
             "kode_instansi) VALUES (:u, :h, :r, :a, :k) RETURNING id"),
        {"u": username, "h": _hasher.hash(password) if password else None, "r": role,
         "a": areas, "k": agency},
    ).scalar_one()


def list_users(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(text(
        "SELECT p.nama_pengguna, p.peran, p.awalan_wilayah, p.kode_instansi, p.aktif, p.dibuat, "
        "p.masuk_terakhir, count(k.id) FILTER (WHERE k.dicabut IS NULL) AS kunci_aktif "
        "FROM pengguna p LEFT JOIN kunci_api k ON k.pengguna_id = p.id "
        "GROUP BY p.id ORDER BY p.nama_pengguna"))
    return [dict(r._mapping) for r in rows]


def set_active(conn: Connection, username: str, active: bool) -> None:
    """Disable (or re-enable) an account; a disabled account's sessions end at once."""
    user_id = conn.execute(
        text("UPDATE pengguna SET aktif = :a WHERE nama_pengguna = :u RETURNING id"),
        {"a": active, "u": username}).scalar()
    if user_id is None:
        raise NotFound(f"Pengguna '{username}' tidak ditemukan.")
    if not active:
        conn.execute(text("DELETE FROM sesi_web WHERE pengguna_id = :i"), {"i": user_id})


def set_password(conn: Connection, username: str, password: str) -> None:
    check_password_strength(password)
    done = conn.execute(
        text("UPDATE pengguna SET kata_sandi_hash = :h WHERE nama_pengguna = :u RETURNING id"),
        {"h": _hasher.hash(password), "u": username}).scalar()
    if done is None:
        raise NotFound(f"Pengguna '{username}' tidak ditemukan.")


def _principal(row: Any) -> Principal:
    return Principal(username=row.nama_pengguna, role=row.peran,
                     area_prefixes=tuple(row.awalan_wilayah or ()),
                     agency_kode=row.kode_instansi)


def authenticate(conn: Connection, username: str, password: str) -> Principal | None:
    """The principal when the password matches an active account, else None."""
    row = conn.execute(
        text("SELECT id, nama_pengguna, peran, awalan_wilayah, kode_instansi, kata_sandi_hash "
             "FROM pengguna WHERE nama_pengguna = :u AND aktif"), {"u": username}).first()
    stored = row.kata_sandi_hash if row is not None and row.kata_sandi_hash else _dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.kata_sandi_hash:
        return None
    if _hasher.check_needs_rehash(stored):
        conn.execute(text("UPDATE pengguna SET kata_sandi_hash = :h WHERE id = :i"),
                     {"h": _hasher.hash(password), "i": row.id})
    conn.execute(text("UPDATE pengguna SET masuk_terakhir = now() WHERE id = :i"), {"i": row.id})
    return _principal(row)


def create_api_key(conn: Connection, username: str, name: str | None = None) -> str:
    """A new key for the user, returned once; only its digest is kept."""
    user_id = conn.execute(text("SELECT id FROM pengguna WHERE nama_pengguna = :u"),
                           {"u": username}).scalar()
    if user_id is None:
        raise NotFound(f"Pengguna '{username}' tidak ditemukan.")
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    conn.execute(
        text("INSERT INTO kunci_api (pengguna_id, awalan, hash, nama) VALUES (:i, :p, :h, :n)"),
        {"i": user_id, "p": prefix, "h": _digest(key), "n": name})
    return key


def revoke_api_key(conn: Connection, prefix: str) -> None:
    """Revoke by the key's public prefix (``ssr_<awalan>_...``) or the whole key."""
    parts = prefix.split("_")
    prefix = parts[1] if len(parts) >= 3 and parts[0] == KEY_PREFIX else prefix
    done = conn.execute(
        text("UPDATE kunci_api SET dicabut = now() WHERE awalan = :p AND dicabut IS NULL "
             "RETURNING id"), {"p": prefix}).scalar()
    if done is None:
        raise NotFound(f"Kunci API dengan awalan '{prefix}' tidak ada atau sudah dicabut.")


def list_api_keys(conn: Connection, username: str | None = None) -> list[dict[str, Any]]:
    rows = conn.execute(text(
        "SELECT k.awalan, p.nama_pengguna, k.nama, k.dibuat, k.dicabut, k.dipakai_terakhir "
        "FROM kunci_api k JOIN pengguna p ON p.id = k.pengguna_id "
        "WHERE CAST(:u AS text) IS NULL OR p.nama_pengguna = :u ORDER BY k.dibuat"),
        {"u": username})
    return [dict(r._mapping) for r in rows]


def key_prefix(key: str) -> str | None:
    """The public prefix (``awalan``) of a key ``ssr_<awalan>_<rahasia>``, None if malformed."""
    parts = key.split("_")
    return parts[1] if len(parts) >= 3 and parts[0] == KEY_PREFIX else None


def principal_for_api_key(conn: Connection, key: str) -> Principal | None:
    prefix = key_prefix(key)
    if prefix is None:
        return None
    row = conn.execute(text(
        "SELECT k.id AS key_id, k.hash, p.nama_pengguna, p.peran, p.awalan_wilayah, "
        "p.kode_instansi FROM kunci_api k JOIN pengguna p ON p.id = k.pengguna_id "
        "WHERE k.awalan = :p AND k.dicabut IS NULL AND p.aktif"), {"p": prefix}).first()
    if row is None or not hmac.compare_digest(row.hash, _digest(key)):
        return None
    conn.execute(text("UPDATE kunci_api SET dipakai_terakhir = now() WHERE id = :i"),
                 {"i": row.key_id})
    return _principal(row)


def session_key(settings: Settings) -> bytes:
    """The cookie-signing key, derived from the settings secret (separate from the NIK key)."""
    return hmac.new(settings.hmac_key(), b"sasaran-session-cookie", hashlib.sha256).digest()


def _sign(token: str, key: bytes) -> str:
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def create_session(conn: Connection, username: str, key: bytes, hours: int) -> tuple[str, str]:
    """Start a web session: returns (signed cookie value, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    conn.execute(text(
        "INSERT INTO sesi_web (token_hash, pengguna_id, csrf, kedaluwarsa) "
        "SELECT :t, id, :c, :e FROM pengguna WHERE nama_pengguna = :u"),
        {"t": _digest(token), "c": csrf, "e": _now() + timedelta(hours=hours), "u": username})
    conn.execute(text("DELETE FROM sesi_web WHERE kedaluwarsa < now()"))
    return f"{token}.{_sign(token, key)}", csrf


def _verified_token(cookie: str, key: bytes) -> str | None:
    token, _, signature = cookie.rpartition(".")
    if not token or not hmac.compare_digest(signature, _sign(token, key)):
        return None
    return token


def principal_for_session(
    conn: Connection, cookie: str, key: bytes
) -> tuple[Principal, str] | None:
    """(principal, CSRF token) for a valid, unexpired session of an active user."""
    token = _verified_token(cookie, key)
    if token is None:
        return None
    row = conn.execute(text(
        "SELECT s.csrf, p.nama_pengguna, p.peran, p.awalan_wilayah, p.kode_instansi "
        "FROM sesi_web s JOIN pengguna p ON p.id = s.pengguna_id "
        "WHERE s.token_hash = :t AND s.kedaluwarsa > now() AND p.aktif"),
        {"t": _digest(token)}).first()
    return None if row is None else (_principal(row), row.csrf)


def end_session(conn: Connection, cookie: str, key: bytes) -> None:
    token = _verified_token(cookie, key)
    if token is not None:
        conn.execute(text("DELETE FROM sesi_web WHERE token_hash = :t"), {"t": _digest(token)})
