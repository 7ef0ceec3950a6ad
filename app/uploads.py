"""Receiving an uploaded table safely: size limit, content sniffing, bounded XLSX.

Import routers call ``saved_upload(file, settings)``; pages that keep a file until the user
confirms it call ``save_upload`` into a folder of their own. Both stream the upload to a file
(never whole in memory), refuse anything that is not really CSV or XLSX whatever its name
says, refuse XLSX files whose decompressed size is out of bounds (zip bombs), and give a path
whose suffix (``.csv`` / ``.xlsx``) matches the sniffed content.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from app.settings import Settings
from geo.errors import InvalidInput, PayloadTooLarge

if TYPE_CHECKING:  # the CLI checks files with these rules without loading FastAPI
    from fastapi import UploadFile

MB = 1 << 20
SNIFF_BYTES = 64 * 1024
MAX_XLSX_RATIO = 200  # a real worksheet compresses ~10-30x; bombs compress 1000x and more
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
BINARY_MAGIC = (b"%PDF", b"\x7fELF", b"MZ", b"\x89PNG", b"\xff\xd8\xff", b"GIF8",
                b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


MAX_NAME_BYTES = 200  # file systems refuse names over 255 bytes; batches show it in full


def upload_name(upload: UploadFile | None, default: str = "unggahan.csv") -> str:
    """The client's file name without any directory part (never trusted as a path), shortened
    to ``MAX_NAME_BYTES`` of UTF-8 (keeping its suffix, ``...`` where it was cut)."""
    name = PurePath((upload.filename if upload else None) or default).name or default
    return short_name(name)


def short_name(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    suffix = PurePath(name).suffix[:16]
    stem = name[: len(name) - len(suffix)] if suffix else name
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8")) - len("...")
    cut = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return f"{cut}...{suffix}"


def sniff_kind(path: Path, name: str, max_uncompressed: int) -> str:
    """``"xlsx"`` or ``"csv"`` by content; ``InvalidInput`` naming the file otherwise."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        _check_xlsx(path, name, max_uncompressed)
        return "xlsx"
    if not head.strip():
        raise InvalidInput(f"Berkas {name} kosong.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_like(head):
        raise InvalidInput(f"Berkas {name} disimpan sebagai teks UTF-16; simpan ulang sebagai "
                           "CSV UTF-8 (di Excel: \"CSV UTF-8 (Comma delimited)\").")
    if head.startswith(BINARY_MAGIC):
        raise InvalidInput(f"Berkas {name} bukan CSV atau XLSX (isi berkas biner).")
    if b"\x00" in head:
        raise InvalidInput(f"Berkas {name} berisi byte NUL, yang tidak ada dalam teks CSV; "
                           "simpan ulang sebagai CSV UTF-8.")
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a multibyte character cut at the sniff boundary is fine
            raise InvalidInput(f"Berkas {name} bukan teks UTF-8 (byte ke-{exc.start + 1}); "
                               "simpan ulang sebagai CSV UTF-8.") from None
    return "csv"


def _utf16_like(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: ASCII text with a NUL beside every character."""
    sample = head[:512]
    return len(sample) >= 8 and (sample[1::2].count(0) > len(sample) // 3
                                 or sample[0::2].count(0) > len(sample) // 3)


def check_file(path: Path, settings: Settings, name: str | None = None) -> str:
    """The checks every upload gets, for a file given on the command line: the size limit,
    the content rule (CSV UTF-8 text or a bounded XLSX), the same messages; returns the kind.
    The CLI calls it before any import, so the API and the CLI refuse the same files."""
    name = short_name(name or path.name)
    limit = settings.max_upload_mb * MB
    if path.stat().st_size > limit:
        raise PayloadTooLarge(f"Berkas {name} melebihi batas {limit // MB} MB.")
    kind = sniff_kind(path, name, settings.max_xlsx_uncompressed_mb * MB)
    suffix = path.suffix.lower()
    if (kind == "xlsx") != (suffix in (".xlsx", ".xlsm")):
        raise InvalidInput(f"Berkas {name}: isinya {kind.upper()}, tetapi namanya berakhiran "
                           f"'{suffix or '(tanpa akhiran)'}'; beri nama yang sesuai isinya.")
    return kind


def _check_xlsx(path: Path, name: str, max_uncompressed: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise InvalidInput(f"Berkas {name} rusak: arsip XLSX tidak dapat dibaca.") from None
    names = {m.filename for m in members}
    if not all(part in names for part in XLSX_PARTS):
        raise InvalidInput(f"Berkas {name} adalah arsip ZIP, bukan buku kerja XLSX.")
    total = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if total > max_uncompressed or total / packed > MAX_XLSX_RATIO:
        raise PayloadTooLarge(
            f"Berkas {name}: isi XLSX terlalu besar setelah dibuka ({total // MB} MB, "
            f"rasio {total // packed}x); pecah berkas atau simpan sebagai CSV.")


def _copy_bounded(upload: UploadFile, target: Path, limit: int, name: str) -> None:
    size = 0
    with open(target, "wb") as handle:
        for block in iter(lambda: upload.file.read(MB), b""):
            size += len(block)
            if size > limit:
                raise PayloadTooLarge(f"Berkas {name} melebihi batas {limit // MB} MB.")
            handle.write(block)


def save_upload(upload: UploadFile, settings: Settings, folder: Path) -> Path:
    """Write the checked upload into ``folder`` (the caller removes it) as ``<stem>.csv`` or
    ``<stem>.xlsx`` by its sniffed content."""
    name = upload_name(upload)
    raw = folder / "upload.bin"
    _copy_bounded(upload, raw, settings.max_upload_mb * MB, name)
    kind = sniff_kind(raw, name, settings.max_xlsx_uncompressed_mb * MB)
    stem = PurePath(name).stem or "unggahan"
    return raw.rename(folder / f"{stem}.{kind}")


@contextmanager
def saved_upload(upload: UploadFile | None, settings: Settings) -> Iterator[Path | None]:
    """The checked upload as a temporary file (removed afterwards); None passes through."""
    if upload is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="sasaran-upload-") as folder:
        yield save_upload(upload, settings, Path(folder))
