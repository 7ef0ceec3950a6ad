"""Kemendagri area codes: ``64`` provinsi, ``64.74`` kab/kota, ``64.74.03`` kecamatan,
``64.74.03.1002`` kelurahan (serial starting with 1) or desa (starting with 2).

A code's prefix gives its parents, so the hierarchy is derived, never stored separately.
"""

from __future__ import annotations

import re

LEVELS = ("provinsi", "kabkota", "kecamatan", "kelurahan")
LEVEL_ALIASES = {
    "provinsi": "provinsi",
    "province": "provinsi",
    "kabkota": "kabkota",
    "kabupaten_kota": "kabkota",
    "kabupaten": "kabkota",
    "kota": "kabkota",
    "kecamatan": "kecamatan",
    "kelurahan": "kelurahan",
    "desa": "kelurahan",
    "desa_kelurahan": "kelurahan",
}
_PATTERNS = {
    "provinsi": re.compile(r"^\d{2}$"),
    "kabkota": re.compile(r"^\d{2}\.\d{2}$"),
    "kecamatan": re.compile(r"^\d{2}\.\d{2}\.\d{2}$"),
    "kelurahan": re.compile(r"^\d{2}\.\d{2}\.\d{2}\.[12]\d{3}$"),
}


def level_of(code: str) -> str | None:
    """The level a well-formed code belongs to, or None when the code is malformed."""
    for level, pattern in _PATTERNS.items():
        if pattern.match(code):
            return level
    return None


def normalise_level(name: str) -> str | None:
    return LEVEL_ALIASES.get(name.strip().lower())


def parent_of(code: str) -> str | None:
    """``64.74.03.1002`` -> ``64.74.03``; a provinsi has no parent."""
    head, _, _ = code.rpartition(".")
    return head or None


def jenis_of(code: str) -> str | None:
    """``kelurahan`` or ``desa`` for a 4th-level code, else None."""
    if level_of(code) != "kelurahan":
        return None
    return "kelurahan" if code.rsplit(".", 1)[1].startswith("1") else "desa"


# Why a row of an area-bound uploader was refused: the same words whether its household lies in
# another area or does not exist at all, so a refusal says nothing about other areas.
OUTSIDE_AREA = "di luar wilayah Anda"


def kecamatan_digits(code: str) -> str:
    """``64.74.03`` -> ``647403``: the form the NIK and No. KK start with."""
    return code.replace(".", "")[:6]


def normalise_code(raw: object) -> str:
    """Accept dotted codes and plain digit codes (``6474031002`` -> ``64.74.03.1002``)."""
    text = str(raw).strip() if raw is not None else ""
    if text.isdigit() and len(text) in (2, 4, 6, 10):
        parts = [text[:2], text[2:4], text[4:6], text[6:]]
        return ".".join(p for p in parts if p)
    return text
