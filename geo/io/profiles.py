"""Column profiles: how one agency's file layout becomes the canonical columns of an import.

A profile renames source headers, combines split area codes (``KDPROP+KDKAB+KDKEC+KDDESA``),
fills constants for columns the file lacks, maps coded values (BDT's ``JnsKel`` 1/2 -> L/P)
and says how D/M dates read. It is applied as a column transform before the row rules
(``geo.io.tabular``): renames only re-point the column index (no cost per row); combined,
constant and value-mapped columns are appended as derived columns.

Headers match by their *key*: lower case, letters and digits only, a parenthesised hint
dropped (``"TANGGAL LAHIR (DD/MM/YYYY)"``, ``"Tgl_Lahir"`` -> ``tanggallahir``/``tgllahir``).
A header resolves to, in order: the profile's rename, the canonical column itself, a known alias
of the import kind (``geo.io.aliases``).

Area codes (the rule, also in docs/registry.md): the parts are read per row. When the village
part has 4 digits starting with 1 or 2 the parts are Kemendagri codes (province 2, kab/kota 2,
kecamatan 2, kelurahan/desa 4 digits) and are joined dotted (``64.74.03.1002``). Otherwise they
are BPS codes (2, 2, 3, 3 digits: ``6474030002``) - BPS and Kemendagri number kecamatan and
desa differently and no arithmetic turns one into the other - so the code is looked up in the
crosswalk table an admin loads (``kode_bps -> kode_kemendagri``); a BPS code missing there
stays as ``BPS 6474030002 (tidak ada di tabel padanan)``, and the row rules reject it with
that text. Parts lose leading zeros in numeric spreadsheet cells: each is zero-padded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from geo.errors import InvalidInput
from geo.io.dates import ORDERS

KINDS = ("rumah_tangga", "anggota", "program", "kepesertaan")
AREA_CODES = ("otomatis", "kemendagri", "bps")
_HINT = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(header: object) -> str:
    """``"No. KK"``, ``"NO KK"``, ``"NoKK"`` -> ``nokk``; ``"TANGGAL LAHIR (DD/MM/YYYY)"`` ->
    ``tanggallahir``."""
    text = _HINT.sub("", str(header or "")).strip().lower()
    return _NOT_ALNUM.sub("", text)


def whole_key(header: object) -> str:
    """The key with a parenthesised hint kept: ``"TGL (DD/MM/YYYY)"`` -> ``tglddmmyyyy``; the
    same for ``"tgl_dd_mm_yyyy"``, the ``geo.io.tabular.normalise_header`` a rule is keyed by."""
    return _NOT_ALNUM.sub("", str(header or "").strip().lower())


@dataclass(frozen=True)
class ColumnProfile:
    """One saved or built-in layout (see the module docstring)."""

    name: str
    label: str
    kind: str
    rename: Mapping[str, str] = field(default_factory=dict)  # source header -> canonical
    combine: Mapping[str, Sequence[str]] = field(default_factory=dict)  # canonical -> parts
    area_codes: str = "otomatis"
    constants: Mapping[str, str] = field(default_factory=dict)  # canonical -> value
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # canonical -> map
    date_order: str = "dmy"
    builtin: bool = False

    def definition(self) -> dict[str, Any]:
        """The JSON form a saved profile is stored and exchanged in (``from_definition``)."""
        return {"nama": self.name, "label": self.label, "jenis": self.kind,
                "ganti_nama": dict(self.rename),
                "gabung": {k: list(v) for k, v in self.combine.items()},
                "kode_wilayah": self.area_codes, "konstanta": dict(self.constants),
                "nilai": {k: dict(v) for k, v in self.values.items()},
                "format_tanggal": self.date_order}

    def with_constants(self, constants: Mapping[str, str]) -> ColumnProfile:
        """This profile with more constants (``--set kolom=nilai`` at import time)."""
        merged = {**self.constants, **constants}
        return ColumnProfile(self.name, self.label, self.kind, self.rename, self.combine,
                             self.area_codes, merged, self.values, self.date_order, self.builtin)

    @property
    def signature(self) -> list[str]:
        """Header keys that identify this layout (for detection)."""
        keys = [header_key(h) for h in self.rename]
        keys += [header_key(p) for parts in self.combine.values() for p in parts]
        return list(dict.fromkeys(keys))


def from_definition(data: Mapping[str, Any], columns: Sequence[str],
                    name: str | None = None) -> ColumnProfile:
    """A profile from its JSON form, checked against the import's canonical ``columns``;
    ``InvalidInput`` with an Indonesian reason otherwise."""
    if not isinstance(data, Mapping):
        raise InvalidInput("Profil kolom harus berupa objek JSON.")
    kind = str(data.get("jenis") or "")
    if kind not in KINDS:
        raise InvalidInput(f"Profil kolom: jenis '{kind}' tidak dikenal ({', '.join(KINDS)}).")
    rename = _text_map(data.get("ganti_nama"), "ganti_nama")
    combine = {str(k): [str(p) for p in v] for k, v in _mapping(data.get("gabung"), "gabung")
               .items() if isinstance(v, list)}
    constants = _text_map(data.get("konstanta"), "konstanta")
    values = {str(k): _text_map(v, "nilai") for k, v in _mapping(data.get("nilai"), "nilai")
              .items()}
    # A rename to "" keeps the header out of the import (the preview's "do not load").
    targets = [*(t for t in rename.values() if t), *combine, *constants, *values]
    unknown = sorted({t for t in targets if t not in columns})
    if unknown:
        raise InvalidInput(f"Profil kolom: {', '.join(unknown)} bukan kolom yang dikenal "
                           f"({', '.join(columns)}).", {"kolom": unknown})
    if any(len(parts) != 4 for parts in combine.values()):
        raise InvalidInput("Profil kolom: 'gabung' menyusun kode wilayah dari tepat empat kolom "
                           "(provinsi, kab/kota, kecamatan, desa/kelurahan).")
    area = str(data.get("kode_wilayah") or "otomatis")
    order = str(data.get("format_tanggal") or "dmy")
    if area not in AREA_CODES or order not in ORDERS:
        raise InvalidInput(f"Profil kolom: kode_wilayah harus {'/'.join(AREA_CODES)} dan "
                           f"format_tanggal {'/'.join(ORDERS)}.")
    label = str(data.get("label") or name or data.get("nama") or "profil")
    return ColumnProfile(str(name or data.get("nama") or "profil"), label, kind, rename,
                         combine, area, constants, values, order)


def _mapping(value: Any, part: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput(f"Profil kolom: '{part}' harus berupa objek JSON.")
    return value


def _text_map(value: Any, part: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in _mapping(value, part).items()}


def parse_pairs(text: str | None, columns: Sequence[str]) -> dict[str, str]:
    """``"NIK_KRT=nik_kepala, ID=id_keluarga"`` -> ``{"NIK_KRT": "nik_kepala", ...}``: the
    inline ``--columns`` form, and ``--set kolom=nilai`` with ``columns`` = the targets."""
    pairs: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        left, sep, right = part.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise InvalidInput(
                f"Pemetaan '{part.strip()}' tidak sah: gunakan KOLOM_SUMBER=kolom_kami.",
                {"pemetaan": part.strip()})
        pairs[left.strip()] = right.strip()
    return pairs
