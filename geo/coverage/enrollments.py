"""Enrollment rows (domain.md "Programs and enrollments"): validation of one row, pure.

A row needs a known ``kode_program`` (or the import's default program), at least one of
``id_keluarga`` / ``no_kk`` / ``nik``, valid NIK/No. KK when given, a ``tanggal_mulai`` and an
optional ``tanggal_selesai`` not before it (dates as ``geo.io.dates`` reads them: ISO, day
first, Excel serials). ``nama`` and ``tanggal_lahir`` are optional: they only help suggest
probable matches for a row that matches nobody (``geo.coverage.linkage``); a bad
``tanggal_lahir`` is dropped with a warning. A bad ``tanggal_selesai`` still rejects the row:
its blank means "still running", so dropping it would count the enrollment as active forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from geo import identity
from geo.io import ColumnSpec, Problem, Rejection, normalise_header, validation

ENROLLMENT_SPEC = ColumnSpec(
    required=("tanggal_mulai",),
    optional=("kode_program", "id_keluarga", "no_kk", "nik", "tanggal_selesai", "nama",
              "tanggal_lahir"),
    kind="kepesertaan",
)
IDENTITY_COLUMNS = ("no_kk", "nik")
KEY_ORDER = ("id_keluarga", "no_kk", "nik")


@dataclass(frozen=True)
class EnrollmentRow:
    number: int
    program_id: int
    id_keluarga: str | None
    no_kk: str | None
    nik: str | None
    mulai: date
    selesai: date | None
    nama: str | None = None
    tanggal_lahir: date | None = None
    warnings: tuple[Problem, ...] = ()

    @property
    def first_key(self) -> str:
        """The first given key in matching order (what an unmatched row is listed by)."""
        return next(k for k in KEY_ORDER if getattr(self, k))


def validate_row(number: int, values: dict[str, str], original: dict[str, str],
                 programs: dict[str, int], default_program: str | None,
                 only_default: bool = False, date_order: str = "dmy"
                 ) -> EnrollmentRow | Rejection:
    """``only_default``: rows for any other program are rejected (an agency's upload)."""
    problems: list[Problem] = []
    code = values.get("kode_program") or default_program or ""
    program_id = programs.get(code)
    if only_default and code != default_program:
        problems.append(Problem("kode_program", f"hanya program '{default_program}' yang boleh "
                                "diunggah dalam berkas ini"))
    elif not code:
        problems.append(Problem("kode_program", validation.REQUIRED))
    elif program_id is None:
        problems.append(Problem("kode_program", f"program '{code}' tidak dikenal"))
    keys = {k: values.get(k, "") for k in KEY_ORDER}
    if not any(keys.values()):
        problems.append(Problem(None, "tidak ada kunci: isi id_keluarga, no_kk, atau nik"))
    kk = validation.check(problems, "no_kk", validation.no_kk(keys["no_kk"]), required=False,
                          blank=not keys["no_kk"])
    nik = validation.check(problems, "nik", validation.nik(keys["nik"]), required=False,
                           blank=not keys["nik"])
    mulai = validation.check(problems, "tanggal_mulai",
                             validation.date_cell(values.get("tanggal_mulai", ""), date_order),
                             required=True, blank=not values.get("tanggal_mulai"))
    selesai = validation.check(problems, "tanggal_selesai",
                               validation.date_cell(values.get("tanggal_selesai", ""),
                                                    date_order),
                               required=False, blank=not values.get("tanggal_selesai"))
    if mulai and selesai and selesai < mulai:
        problems.append(Problem("tanggal_selesai", "lebih awal dari tanggal_mulai"))
    warnings: list[Problem] = []
    born = validation.check(warnings, "tanggal_lahir",
                            validation.date_cell(values.get("tanggal_lahir", ""), date_order),
                            required=False, blank=not values.get("tanggal_lahir"))
    if problems:
        return Rejection(number, problems, _masked(original))
    # No problems means a known program and a parsed start date.
    return EnrollmentRow(number, cast(int, program_id), keys["id_keluarga"] or None, kk, nik,
                         cast(date, mulai), selesai, values.get("nama") or None, born,
                         tuple(warnings))


def _masked(original: dict[str, str]) -> dict[str, str]:
    """The row as the file had it, NIK/No. KK masked (rejected rows are kept at rest)."""
    return {h: identity.mask_cell(v or "") if normalise_header(h) in IDENTITY_COLUMNS else v
            for h, v in original.items()}
