"""Where a CSV stops being UTF-8: the row a user must fix, named exactly."""

from __future__ import annotations

import codecs
from pathlib import Path

from geo.errors import ImportRejected


def undecodable_row(path: Path) -> int | None:
    """The 1-based line holding the first byte that is not UTF-8 (None: the file decodes)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                # The decoder may hold back up to 3 bytes of an unfinished character.
                pending = len(decoder.getstate()[0])
                start = max(exc.start - pending, 0)
                return lines + block[:start].count(b"\n") + 1
            lines += block.count(b"\n")
    return None


def not_utf8(path: Path, label: str) -> ImportRejected:
    """The one refusal of a CSV that is not UTF-8, naming the file and the row."""
    row = undecodable_row(path)
    where = f": baris {row} berisi karakter yang bukan UTF-8" if row else " bukan teks UTF-8"
    return ImportRejected(f"Berkas {label}{where}; simpan sebagai CSV UTF-8 atau XLSX.",
                          {"berkas": label, "baris": row})
