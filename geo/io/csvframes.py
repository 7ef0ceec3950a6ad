"""Simple CSV read in blocks of whole lines into polars frames: the bulk imports' fast path.

The csv module makes a Python object of every cell (about 2 s for a million 13-column rows);
polars reads the same block column-wise in native code and without the GIL. The two must read
a block alike, so a block becomes a frame only when it is *simple*:

- quotes, if any, only as whole quoted fields on one line (``a,"Jl. B, RT 2",c``): each quote
  opens right after a delimiter or a line start and closes right before one or a line end, so
  no doubled ``""`` inside a field, no line break inside quotes, no text around a quoted part
  (there the readers differ, or a record spans lines);
- no lone carriage return (the csv module ends a line there, polars does not);
- exactly ``width - 1`` delimiters outside quotes per line on average and none too many (polars
  refuses a line with extra fields), so every line is a full row: no blank, short or long rows;
- valid UTF-8 (polars refuses it otherwise).

Anything else keeps the csv module's reading (``geo.io.tabular.Table``): a block that is not
simple but has no quotes, block by block; from a block with other quoting on, the rest of the
file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import numpy as np
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


def delimiter_for(header: str) -> str:
    """``;`` when the header line has more of those than ``,`` (Excel in an Indonesian
    locale writes ``;``), else ``,``: one rule for both CSV readers."""
    return ";" if header.count(";") > header.count(",") else ","


def header_line(handle: BinaryIO) -> tuple[bytes, bytes] | None:
    """The first line without BOM and its delimiter (``delimiter_for``), or None when only
    the csv module may read it (quoting that is not simple, or a carriage return that does
    not end the line)."""
    line = handle.readline()
    line = line.removeprefix(BOM)
    body = line.removesuffix(b"\n").removesuffix(b"\r")
    delimiter = delimiter_for(body.decode("utf-8", "replace")).encode()
    if b"\r" in body or (b'"' in body and outside_quotes(body, delimiter) is None):
        return None
    return body, delimiter


def simple_frame(part: bytes, delimiter: bytes, width: int) -> pl.DataFrame | None:
    """The block's cells, as the file has them (not stripped), or None if it is not simple."""
    lines = part.count(b"\n") + (not part.endswith(b"\n"))
    if part.count(b"\r") != part.count(b"\r\n"):
        return None
    quoted = b'"' in part
    delimiters = outside_quotes(part, delimiter) if quoted else part.count(delimiter)
    if delimiters != lines * (width - 1):
        return None
    names = column_names(width)
    try:
        frame = pl.read_csv(
            part, has_header=False, new_columns=names, schema=dict.fromkeys(names, pl.String),
            separator=delimiter.decode(), quote_char='"' if quoted else None,
            empty_string_is_null=False,
        )
    except (pl.exceptions.PolarsError, UnicodeDecodeError):
        return None  # invalid UTF-8 or a ragged line: the csv module reports it
    return frame if frame.height == lines else None


QUOTE, NEWLINE, CR = ord('"'), ord("\n"), ord("\r")


def outside_quotes(part: bytes, delimiter: bytes) -> int | None:
    """How many delimiters lie outside quotes, or None when the quoting is not simple (see the
    module docstring); vectorised, a few passes of numpy over the block."""
    data = np.frombuffer(part, dtype=np.uint8)
    quotes = np.flatnonzero(data == QUOTE)
    if len(quotes) % 2:
        return None
    opening, closing = quotes[0::2], quotes[1::2]
    sep = delimiter[0]
    before = np.append(NEWLINE, data)[opening]  # the byte before each opening quote
    after = np.append(data, NEWLINE)[closing + 1]  # the byte after each closing quote
    if not (np.isin(before, (sep, NEWLINE)).all() and np.isin(after, (sep, NEWLINE, CR)).all()):
        return None
    depth = np.zeros(len(data) + 1, dtype=np.int8)
    depth[opening] = 1
    depth[closing] = -1
    inside = np.cumsum(depth[:-1], dtype=np.int8).astype(bool)  # opening quote .. before closing
    if (inside & (data == NEWLINE)).any():
        return None
    return int(np.count_nonzero((data == sep) & ~inside))
