"""Program rows (``sasaran import programs``), validated purely.

Columns: ``kode_program, nama, instansi`` required; ``nama_instansi, jenis_instansi, jenis,
tahun, anggaran, desil_maks, unit_cakupan, wilayah_layanan`` optional. ``wilayah_layanan`` lists
kelurahan codes separated by ``;``, ``|``, ``,`` or spaces (dotted or not). ``unit_cakupan``:
household (rumah_tangga), person (orang) or house (rumah).

A bad optional value never loses the program: an unknown or malformed service-area code is
left out of the area, a bad ``tahun`` or ``anggaran`` is left blank, each reported as a warning.
``desil_maks`` and ``unit_cakupan`` are still reasons to reject: their blank means something
(no desil limit, households), so dropping a bad value would change the program's figures.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from geo.codes import level_of, normalise_code
from geo.io import ColumnSpec, Problem, Rejection, validation

PROGRAM_SPEC = ColumnSpec(
    required=("kode_program", "nama", "instansi"),
    optional=("nama_instansi", "jenis_instansi", "jenis", "tahun", "anggaran", "desil_maks",
              "unit_cakupan", "wilayah_layanan"),
    kind="program",
)
UNITS = {"household": "household", "rumah_tangga": "household", "person": "person",
         "orang": "person", "house": "house", "rumah": "house"}
_SEPARATORS = re.compile(r"[;|,\s]+")


@dataclass(frozen=True)
class ProgramRow:
    kode_program: str
    nama: str
    instansi: str
    nama_instansi: str
    jenis_instansi: str | None
    jenis: str | None
    tahun: int | None
    anggaran: Decimal | None
    desil_maks: int | None
    unit_cakupan: str
    wilayah_layanan: list[str]
    warnings: tuple[Problem, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def service_area(cell: str, known: Collection[str] | None = None
                 ) -> tuple[list[str], str | None]:
    """The loaded kelurahan codes of the cell (dotted), and a warning naming the others."""
    listed = [normalise_code(c.replace(".", "")) or c
              for c in _SEPARATORS.split(cell.strip()) if c]
    good = [c for c in dict.fromkeys(listed)
            if level_of(c) == "kelurahan" and (known is None or c in known)]
    bad = [c for c in listed if c not in good]
    if not bad:
        return good, None
    return good, (f"kode kelurahan tidak dikenal, tidak dimasukkan ke wilayah layanan: "
                  f"{', '.join(bad[:5])}" + (f" (+{len(bad) - 5} lagi)" if len(bad) > 5 else ""))


def validate_program(number: int, v: dict[str, str], original: dict[str, str],
                     known_kelurahan: Collection[str] | None = None) -> ProgramRow | Rejection:
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for column in PROGRAM_SPEC.required:
        if not v.get(column):
            problems.append(Problem(column, validation.REQUIRED))
    tahun = validation.check(warnings, "tahun", validation.integer_in(v.get("tahun", ""),
                             2000, 2100), required=False, blank=not v.get("tahun"))
    anggaran = validation.check(warnings, "anggaran",
                                validation.decimal_at_least(v.get("anggaran", "")),
                                required=False, blank=not v.get("anggaran"))
    desil = validation.check(problems, "desil_maks", validation.integer_in(
        v.get("desil_maks", ""), 1, 10), required=False, blank=not v.get("desil_maks"))
    unit = UNITS.get((v.get("unit_cakupan") or "household").lower())
    if unit is None:
        problems.append(Problem("unit_cakupan", f"'{v['unit_cakupan']}' tidak dikenal "
                                "(household/rumah_tangga, person/orang, house/rumah)"))
    area, area_problem = service_area(v.get("wilayah_layanan", ""), known_kelurahan)
    if area_problem:
        warnings.append(Problem("wilayah_layanan", area_problem))
    if problems:
        return Rejection(number, problems, original)
    return ProgramRow(v["kode_program"], v["nama"], v["instansi"],
                      v.get("nama_instansi") or v["instansi"], v.get("jenis_instansi") or None,
                      v.get("jenis") or None, tahun, anggaran, desil, unit or "household", area,
                      tuple(warnings))
