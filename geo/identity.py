"""NIK and No. KK: validation, keyed hashing for matching, masking for display (UU 27/2022).

Neither number is ever stored in plain text: the database keeps ``digest(key, number)``
(HMAC-SHA256) to match on and ``mask(number)`` (first 6 and last 4 digits) to show.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_DIGITS16 = re.compile(r"^\d{16}$")


def clean(raw: object) -> str:
    """Normalise a spreadsheet cell: strip blanks, dots and spaces, and a float's ``.0``."""
    text = "" if raw is None else str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text.replace(" ", "").replace(".", "").replace("-", "")


def nik_problem(nik: str) -> str | None:
    """Why ``nik`` is not a valid NIK, or None. Digits 1-6 kecamatan, 7-12 DDMMYY (women's DD
    plus 40), 13-16 a serial that is not 0000."""
    if not _DIGITS16.match(nik):
        return "NIK harus 16 digit angka"
    if nik[:6] == "000000" or nik[:2] == "00":
        return "6 digit pertama NIK bukan kode kecamatan"
    day, month = int(nik[6:8]), int(nik[8:10])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return "tanggal lahir pada NIK (digit 7-8) tidak sah"
    if not 1 <= month <= 12:
        return "bulan lahir pada NIK (digit 9-10) tidak sah"
    if nik[12:] == "0000":
        return "nomor urut NIK (digit 13-16) tidak boleh 0000"
    return None


def kk_problem(no_kk: str) -> str | None:
    """Why ``no_kk`` is not a valid No. KK (16 digits, starting with a kecamatan code), or None."""
    if not _DIGITS16.match(no_kk):
        return "No. KK harus 16 digit angka"
    if no_kk[:2] == "00" or no_kk[:6] == "000000":
        return "6 digit pertama No. KK bukan kode kecamatan"
    return None


def digest(key: bytes, number: str) -> bytes:
    """HMAC-SHA256 of a cleaned identity number: equal numbers give equal digests."""
    return hmac.new(key, number.encode("ascii"), hashlib.sha256).digest()


MASK_FILL = "********"


def mask(number: str) -> str:
    """``6474034101900001`` -> ``647403********0001``: first 6 and last 4 digits, with the
    fixed eight-star fill of domain.md's example (a fixed fill does not echo the length)."""
    return number[:6] + MASK_FILL + number[-4:]
