"""Identity numbers as spreadsheets mangle them, read before the NIK / No. KK rules.

Excel keeps 15 significant digits of a number, so a 16-digit NIK typed into a cell formatted
as a number loses its last digit (``6474031505800017`` is kept as ``6474031505800010`` and
shown as ``6.47403150580001E+15``). Such a cell is refused with its own reason, never rounded
into another person's number. ``geo.io.tabular`` writes a numeric XLSX cell that cannot hold all
16 digits (an integer ending in 0, or a float beyond 2**53) in that scientific form, so the
rule sees CSV and XLSX alike; a numeric cell that still holds all 16 digits is read as digits.

Also cleaned: the leading apostrophe Excel users type to force text (``'6474...``), spaces,
dots, hyphens and a float's ``.0`` (``geo.identity.clean``).
"""

from __future__ import annotations

import re

from geo import identity

SCIENTIFIC = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+")
EXACT_FLOAT_LIMIT = 2**53  # every integer below it is exactly representable as a float


def excel_number_reason(label: str) -> str:
    return (f"{label} tersimpan sebagai angka di Excel; digit terakhir hilang — format "
            "kolom sebagai Teks")


def without_apostrophe(cell: str) -> str:
    """``'6474...`` -> ``6474...`` (Excel's text prefix; also the typographic ’ and `)."""
    return cell.strip().lstrip("'’`").strip()


def clean_identity_cell(cell: str, label: str) -> tuple[str, str | None]:
    """``(cleaned number, None)`` or ``(cell, reason)`` when the cell is an Excel number
    written in scientific notation (digits already lost)."""
    text = without_apostrophe(cell)
    if SCIENTIFIC.fullmatch(text.replace(" ", "")):
        return cell, excel_number_reason(label)
    return identity.clean(text), None


def numeric_cell_text(value: int | float) -> str:
    """The text of an integral numeric XLSX cell: digits when every digit is certain, the
    scientific form Excel shows (``6.47403150580001E+15``) when a 16+ digit number may have
    lost its last digits (see the module docstring)."""
    whole = int(value)
    digits = str(abs(whole))
    if len(digits) < 16:
        return str(whole)
    exact = digits[-1] != "0" and (isinstance(value, int) or abs(value) < EXACT_FLOAT_LIMIT)
    if exact:
        return str(whole)
    mantissa, exponent = f"{float(value):.14E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"
