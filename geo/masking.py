"""One rule for identity numbers in free text: whatever may be a NIK or No. KK is masked.

Used on everything that is kept or shown but not meant to hold one: every cell and header of a
stored rejected row, every error message, every log line, file names in batches and the audit
log (UU 27/2022: NIK and No. KK never in plain text at rest).

The rule reads digits as a person would: a run of at least 15 digits (a NIK or No. KK is 16;
15 and 17 are a digit dropped or added, and longer runs may hold one), where single separators
between digits (space, ``.``, ``-``, ``/``, ``_``, ``,``, ``'``) do not break the run, since
numbers are typed as ``6474 0217 0978 0002`` or ``6474-0217-0978-0002``, or come out of a
spreadsheet as ``6.474021709780002E+15``. Such a run keeps its first 6 and last 4 digits with
the fixed fill of ``geo.identity.mask`` (``647402********0002``); its separators go. Shorter
numbers (dates, area codes, amounts, phone numbers) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

FILL = "********"
MIN_DIGITS = 15
_SEPARATOR = r"[ .\-/_,']"
_RUN = re.compile(rf"(?<![0-9])[0-9](?:{_SEPARATOR}?[0-9]){{{MIN_DIGITS - 1},}}(?![0-9])")


def _masked(match: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9]", "", match.group(0))
    return digits[:6] + FILL + digits[-4:]


def mask_text(text: str) -> str:
    """``text`` with every run that may be a NIK or No. KK masked."""
    if len(text) < MIN_DIGITS or not any(c.isdigit() for c in text):
        return text
    return _RUN.sub(_masked, text)


def mask_value(value: Any) -> Any:
    """``mask_text`` through strings, lists and dicts (keys too); other values as they are."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {mask_value(k): mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(mask_value(v) for v in value)
    return value
