"""Row rules of the optional members file (one row per person), column-wise per chunk.

Columns: ``id_keluarga, nik, nama`` (required), ``hubungan, jenis_kelamin (L/P),
tanggal_lahir (YYYY-MM-DD), disabilitas (ya/tidak)`` (optional). A row is rejected when a
required value is missing, the NIK is invalid, its household is not in the registry (unknown or
rejected id_keluarga), or the same NIK appears twice in one household in the file (the first row
wins). A malformed optional value is dropped with a warning; the row is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from geo.codes import OUTSIDE_AREA
from geo.io import Chunk, ColumnSpec, Rejection, RowWarning, validation
from geo.registry.households import Problems, identity_numbers, required_text

MEMBER_SPEC = ColumnSpec(
    required=("id_keluarga", "nik", "nama"),
    optional=("hubungan", "jenis_kelamin", "tanggal_lahir", "disabilitas"),
    kind="anggota",
)
SEXES = ("L", "P")


@dataclass
class ValidMembers:
    household_id: list[int]
    nik: list[str]
    nama: list[str]
    hubungan: list[str]
    jenis_kelamin: list[str]
    tanggal_lahir: list[str]
    disabilitas: list[str]  # "t", "f" or "" (PostgreSQL boolean text)
    warnings: list[RowWarning] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.nik)


def validate_members(
    chunk: Chunk, households: Mapping[str, int], seen: dict[tuple[str, str], int],
    date_order: str = "dmy",
    area_bound: bool = False,
) -> tuple[ValidMembers, list[Rejection]]:
    """``households`` maps known id_keluarga to household ids; ``seen`` spans the file.
    A malformed optional value (jenis_kelamin, tanggal_lahir, disabilitas) is dropped and its
    row kept with a warning (``ValidMembers.warnings``). For an ``area_bound`` uploader
    ``households`` holds only those of their area, and a row of any other id_keluarga gets one
    reason whether the household exists elsewhere or not."""
    problems = Problems()
    col = chunk.column
    ids = required_text(col("id_keluarga"), "id_keluarga", problems)
    nik = identity_numbers(col("nik"), "nik", problems, kind="nik")
    nama = required_text(col("nama"), "nama", problems)
    sex: list[str] = []
    born: list[str] = []
    disabled: list[str] = []
    for i, (s, b, d) in enumerate(zip(col("jenis_kelamin"), col("tanggal_lahir"),
                                      col("disabilitas"), strict=True)):
        if s and s.upper() not in SEXES:
            problems.warn(i, "jenis_kelamin", f"'{s}' harus L atau P")
        sex.append(s.upper() if s.upper() in SEXES else "")
        day = _optional(problems, i, "tanggal_lahir", validation.date_cell(b, date_order))
        born.append("" if day is None else str(day))
        flag = _optional(problems, i, "disabilitas", validation.yes_no(d))
        disabled.append("" if flag is None else ("t" if flag else "f"))
    household_id: list[int] = []
    for i, key in enumerate(ids):
        household_id.append(households.get(key, 0))
        if key and key not in households:
            problems.add(i, "id_keluarga", f"rumah tangga '{key}' {OUTSIDE_AREA}" if area_bound
                         else f"rumah tangga '{key}' tidak ada di registri")
        elif key and nik[i] and i not in problems.by_row:
            first = seen.setdefault((key, nik[i]), chunk.numbers[i])
            if first != chunk.numbers[i]:
                problems.add(i, "nik", f"NIK ganda dalam rumah tangga ini (baris {first})")
    keep = problems.keep
    members = ValidMembers(keep(household_id), keep(nik), keep(nama), keep(col("hubungan")),
                           keep(sex), keep(born), keep(disabled), problems.warnings(chunk))
    return members, problems.rejections(chunk, ("nik",))


def _optional(problems: Problems, position: int, column: str,
              result: validation.Checked) -> object:
    """A bad optional value: a warning, and the value dropped (the row is kept)."""
    value, problem = result
    if problem:
        problems.warn(position, column, problem)
    return value
