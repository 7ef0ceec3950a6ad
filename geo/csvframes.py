"""Quote-free CSV read in blocks of whole lines into polars frames: the bulk imports' fast path.

The csv module makes a Python object of every cell (about 2 s for a million 13-column rows);
polars reads the same block column-wise in native code and without the GIL. The two must read
a block alike, so a block becomes a frame only when it is *simple*:

- no quote character (quoted fields may span lines and quoting rules differ between readers);
- no lone carriage return (the csv module ends a line there, polars does not);
- exactly ``width - 1`` delimiters per line on average and none too many (polars refuses a line
  with extra fields), so every line is a full row: no blank, short or long rows;
- valid UTF-8 (polars refuses it otherwise).

Anything else keeps the csv module's reading (``geo.tabular.Table``), block by block; from the
first quote on, for the rest of the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import polars as pl

BOM = b"\xef\xbb\xbf"


def column_names(width: int) -> list[str]:
    """Frames name their columns by position: headers may repeat or be blank."""
    return [str(i) for i in range(width)]


class BlockReader:
    """Blocks of whole lines (about ``size`` bytes each) from a binary handle; ``rest`` holds
    the partial line read ahead, for a caller that switches to reading the handle as text."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle = handle
        self.size = size
        self.rest = b""

    def __iter__(self) -> Iterator[bytes]:
        while True:
            block = self.handle.read(self.size)
            if not block:
                if self.rest:
                    part, self.rest = self.rest, b""
                    yield part
                return
            data = self.rest + block
            cut = data.rfind(b"\n") + 1
            if cut:
                self.rest = data[cut:]
                yield data[:cut]
            else:
                self.rest = data


def header_line(handle: BinaryIO) -> bytes | None:
    """The first line without BOM, or None when only the csv module may read it (a quote, or
    a carriage return that does not end the line)."""
    line = handle.readline()
    line = line.removeprefix(BOM)
    body = line.removesuffix(b"\n").removesuffix(b"\r")
    if b'"' in body or b"\r" in body:
        return None
    return body


def simple_frame(part: bytes, delimiter: bytes, width: int) -> pl.DataFrame | None:
    """The block's cells, as the file has them (not stripped), or None if it is not simple."""
    lines = part.count(b"\n") + (not part.endswith(b"\n"))
    if b'"' in part or part.count(b"\r") != part.count(b"\r\n"):
        return None
    if part.count(delimiter) != lines * (width - 1):
        return None
    names = column_names(width)
    try:
        frame = pl.read_csv(
            part, has_header=False, new_columns=names, schema=dict.fromkeys(names, pl.String),
            separator=delimiter.decode(), quote_char=None, empty_string_is_null=False,
        )
    except (pl.exceptions.PolarsError, UnicodeDecodeError):
        return None  # invalid UTF-8 or a ragged line: the csv module reports it
    return frame if frame.height == lines else None
