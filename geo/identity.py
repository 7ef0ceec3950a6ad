"""NIK and No. KK: validation, keyed hashing for matching, masking for display (UU 27/2022).

Neither number is ever stored in plain text: the database keeps ``digest(key, number)``
(HMAC-SHA256) to match on and ``mask(number)`` (first 6 and last 4 digits) to show.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import numpy as np
import polars as pl
import polars_hash as plh

# ASCII digits only: \d would admit other scripts' digits, which cannot be hashed as ASCII.
_DIGITS16 = re.compile(r"[0-9]{16}")


def clean(raw: object) -> str:
    """Normalise a spreadsheet cell: strip blanks, dots and spaces, and a float's ``.0``."""
    text = "" if raw is None else str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text.replace(" ", "").replace(".", "").replace("-", "")


def nik_problem(nik: str) -> str | None:
    """Why ``nik`` is not a valid NIK, or None. Digits 1-6 kecamatan, 7-12 DDMMYY (women's DD
    plus 40), 13-16 a serial that is not 0000."""
    if not _DIGITS16.fullmatch(nik):
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
    if not _DIGITS16.fullmatch(no_kk):
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


def mask_many(numbers: list[str]) -> list[str]:
    """``[mask(n) for n in numbers]`` without a call per number (bulk imports)."""
    fill = MASK_FILL
    return [n[:6] + fill + n[-4:] for n in numbers]


def digest_many(key: bytes, numbers: list[str]) -> list[bytes]:
    """``[digest(key, n) for n in numbers]``, about three times faster for bulk imports.

    HMAC (RFC 2104) hashes the padded key once per call; here the inner and outer states are
    computed once and copied per number, which gives the very same digests."""
    block = hashlib.sha256(key).digest() if len(key) > 64 else key
    block = block.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    inner_copy, outer_copy = inner.copy, outer.copy
    out: list[bytes] = []
    append = out.append
    for number in numbers:
        h = inner_copy()
        h.update(number.encode("ascii"))
        o = outer_copy()
        o.update(h.digest())
        append(o.digest())
    return out


def digest_hex_column(numbers: pl.Series, key: bytes) -> pl.Series:
    """``digest(key, n).hex()`` of each (ASCII) number of a column, computed natively on all
    cores by polars-hash (1M numbers: 0.27 s, against 0.66 s for ``digest_many``). The plugin
    takes a text key; a key that is not UTF-8 is hashed by ``digest_many`` instead."""
    try:
        text_key = key.decode("utf-8")
    except UnicodeDecodeError:
        digests = digest_many(key, numbers.to_list())
        return pl.Series(numbers.name, [d.hex() for d in digests], dtype=pl.String)
    frame = numbers.to_frame("n")
    return frame.select(plh.col("n").chash.hmac_sha256(key=text_key)).to_series()


def surely_valid_niks(numbers: list[str]) -> np.ndarray:
    """A boolean array: True where ``nik_problem(n)`` is certainly None, judged vectorised.

    False means "look closer" (call ``clean`` and ``nik_problem``), never "invalid": the fast
    path only accepts what the exact rules accept, so the two can never disagree."""
    d = _digit_matrix(numbers)
    if d is None:
        return np.zeros(len(numbers), dtype=bool)
    ok = _sixteen_digits(d) & (_number(d, 0, 2) != 0)
    day, month = _number(d, 6, 8), _number(d, 8, 10)
    ok &= ((day >= 1) & (day <= 31)) | ((day >= 41) & (day <= 71))
    ok &= (month >= 1) & (month <= 12) & (_number(d, 12, 16) != 0)
    return ok


def surely_valid_kks(numbers: list[str]) -> np.ndarray:
    """Like ``surely_valid_niks`` for ``kk_problem``."""
    d = _digit_matrix(numbers)
    if d is None:
        return np.zeros(len(numbers), dtype=bool)
    return _sixteen_digits(d) & (_number(d, 0, 2) != 0)


def _digit_matrix(numbers: list[str]) -> np.ndarray | None:
    """Code points as an (n, 17) int array; the 17th column is 0 for strings of length <= 16."""
    if not numbers:
        return None
    codes = np.array(numbers, dtype="U17").view(np.uint32).reshape(len(numbers), 17)
    return codes.astype(np.int64) - 48


def _sixteen_digits(d: np.ndarray) -> np.ndarray:
    digits = d[:, :16]
    return ((digits >= 0) & (digits <= 9)).all(axis=1) & (d[:, 16] == -48)


def _number(d: np.ndarray, start: int, stop: int) -> np.ndarray:
    value = np.zeros(d.shape[0], dtype=np.int64)
    for column in range(start, stop):
        value = value * 10 + np.clip(d[:, column], 0, 9)
    return value


def mask_cell(cell: str) -> str:
    """Mask whatever was typed in an identity column (valid or not), for kept rejected rows:
    long values like ``mask``, short ones entirely."""
    cell = cell.strip()
    return mask(cell) if len(cell) >= 12 else "*" * len(cell)
