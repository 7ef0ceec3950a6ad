"""Column profiles and the area code crosswalk: saved, chosen, detected, previewed.

The same functions serve the CLI (``--profile NAME`` / ``--columns FILE``), the API and the
upload page. Choosing (``choose_profile``): a named profile (built-in or saved) or a mapping
given inline / as a file wins; otherwise the file's headers are matched against every profile
of the import kind and the best one is used when its confidence is at least ``AUTO_CONFIDENCE``
(the own layout needs no profile). What was used is recorded in the batch's ``parameter``.

Constant values (``--set kolom=nilai``, the API's ``konstanta``, the upload page's "isi sama
untuk semua baris" fields) are added to the chosen profile by ``add_constants``, after
``constant_problems`` checked each value with the row rule of its column: a bad date is
refused before the import with one message, not once per row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from geo import codes, identity
from geo.coverage import ENROLLMENT_SPEC, PROGRAM_SPEC
from geo.errors import InvalidInput, NotFound
from geo.io import (
    BUILTIN,
    KINDS,
    Checked,
    ColumnProfile,
    ColumnSpec,
    bind,
    builtin,
    detect,
    from_definition,
    parse_pairs,
    read_headers,
    validation,
)
from geo.registry import HOUSEHOLD_SPEC, MEMBER_SPEC
from geo.registry.households import MAX_MEMBERS, STATUSES

SPECS: dict[str, ColumnSpec] = {"rumah_tangga": HOUSEHOLD_SPEC, "anggota": MEMBER_SPEC,
                                "program": PROGRAM_SPEC, "kepesertaan": ENROLLMENT_SPEC}
AUTO_CONFIDENCE = 0.8
IDENTITY = {"no_kk", "nik", "nik_kepala"}
# Columns that tell rows apart (keys, identity numbers, names): one value for every row would
# make them all the same household, person or program, so no constant is taken for them.
PER_ROW: dict[str, frozenset[str]] = {
    "rumah_tangga": frozenset({"id_keluarga", "no_kk", "nik_kepala", "nama_kepala"}),
    "anggota": frozenset({"id_keluarga", "nik", "nama"}),
    "program": frozenset({"kode_program", "nama"}),
    "kepesertaan": frozenset({"id_keluarga", "no_kk", "nik", "nama"}),
}
# The row rules of the coded columns a constant may fill (geo.registry.households); date
# columns (``tanggal_*``) are read as every import reads them (``validation.date_cell``).
CONSTANT_RULES: dict[str, Callable[[str], Checked]] = {
    "desil": lambda v: validation.integer_in(v, 1, 10),
    "jumlah_anggota": lambda v: validation.integer_in(v, 1, MAX_MEMBERS),
    "status_verifikasi": lambda v: validation.one_of(v, STATUSES),
}


@dataclass
class Choice:
    profile: ColumnProfile | None
    confidence: float | None  # when detected
    detected: bool


@dataclass(frozen=True)
class Detection:
    """The layout a file's headers match best (built-in or saved) and its confidence (0-1)."""

    best: ColumnProfile
    confidence: float

    @property
    def used(self) -> ColumnProfile | None:
        """The profile an import applies by itself: the best layout when it is an agency's
        (the own layout needs none) and its confidence is at least ``AUTO_CONFIDENCE``."""
        if self.best.name != "sasaran" and self.confidence >= AUTO_CONFIDENCE:
            return self.best
        return None


def spec_for(kind: str) -> ColumnSpec:
    if kind not in SPECS:
        raise InvalidInput(f"Jenis impor '{kind}' tidak dikenal ({', '.join(KINDS)}).")
    return SPECS[kind]


def profile_parameter(profile: ColumnProfile | None) -> dict[str, Any]:
    return {} if profile is None else {"profil": profile.name, "definisi_profil":
                                       profile.definition()}


def saved_profiles(conn: Connection, kind: str | None = None) -> list[ColumnProfile]:
    rows = conn.execute(text(
        "SELECT nama, jenis, definisi FROM column_profile "
        "WHERE CAST(:kind AS text) IS NULL OR jenis = :kind ORDER BY nama"), {"kind": kind})
    return [from_definition(r.definisi, spec_for(r.jenis).columns, r.nama) for r in rows]


def list_profiles(conn: Connection, kind: str | None = None) -> list[dict[str, Any]]:
    """Built-in then saved profiles (of ``kind``), as their JSON definitions."""
    kinds = [kind] if kind else list(KINDS)
    out = [{**p.definition(), "bawaan": True} for k in kinds for p in BUILTIN.get(k, [])]
    return out + [{**p.definition(), "bawaan": False} for p in saved_profiles(conn, kind)]


def get_profile(conn: Connection, kind: str, name: str) -> ColumnProfile:
    found = builtin(kind, name) or next(
        (p for p in saved_profiles(conn, kind) if p.name == name), None)
    if found is None:
        names = [p["nama"] for p in list_profiles(conn, kind)]
        raise NotFound(f"Profil kolom '{name}' untuk impor {kind} tidak ada "
                       f"(ada: {', '.join(names)}).", {"profil": name})
    return found


def save_profile(conn: Connection, definition: Mapping[str, Any], user: str) -> ColumnProfile:
    """Insert or replace a saved profile (a built-in name cannot be taken)."""
    name = str(definition.get("nama") or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput("Profil kolom perlu 'nama' (1-60 karakter).")
    kind = str(definition.get("jenis") or "")
    profile = from_definition(definition, spec_for(kind).columns, name)
    if builtin(kind, name) is not None:
        raise InvalidInput(f"'{name}' adalah nama profil bawaan; pilih nama lain.")
    conn.execute(text(
        "INSERT INTO column_profile (nama, jenis, definisi, pengguna) "
        "VALUES (:n, :k, CAST(:d AS jsonb), :u) ON CONFLICT (nama) DO UPDATE SET "
        "jenis = EXCLUDED.jenis, definisi = EXCLUDED.definisi, pengguna = EXCLUDED.pengguna, "
        "diperbarui = now()"),
        {"n": name, "k": kind, "d": json.dumps(profile.definition()), "u": user})
    return profile


def delete_profile(conn: Connection, name: str) -> None:
    if conn.execute(text("DELETE FROM column_profile WHERE nama = :n"),
                    {"n": name}).rowcount == 0:
        raise NotFound(f"Profil kolom '{name}' tidak ada (profil bawaan tidak dapat dihapus).")


def mapping_profile(kind: str, columns: str | None) -> ColumnProfile | None:
    """``--columns``: a JSON profile file, a two-column CSV file (``sumber,kolom``), JSON text,
    or the inline ``SUMBER=kolom,...`` form; None when not given."""
    if not columns or not columns.strip():
        return None
    spec = spec_for(kind)
    source = columns.strip()
    path = Path(source)
    if len(source) < 4096 and path.suffix.lower() in (".json", ".csv") and path.is_file():
        source = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() == ".csv":
            rows = [r for r in csv.reader(io.StringIO(source)) if len(r) >= 2]
            pairs = {r[0].strip(): r[1].strip() for r in rows[1:] if r[0].strip()}
            return _renaming(kind, pairs, spec)
    if source.startswith("{"):
        try:
            data = json.loads(source)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"Profil kolom bukan JSON yang sah: {exc.msg}.") from None
        return from_definition({"jenis": kind, **data}, spec.columns, data.get("nama"))
    return _renaming(kind, parse_pairs(source, spec.columns), spec)


def _renaming(kind: str, pairs: dict[str, str], spec: ColumnSpec) -> ColumnProfile:
    return from_definition({"jenis": kind, "ganti_nama": pairs}, spec.columns, "kolom")


def choose_profile(conn: Connection, path: Path, kind: str, *, sheet: str | None = None,
                   name: str | None = None, profile: str | None = None,
                   columns: str | None = None, constants: str | None = None) -> Choice:
    """The profile an import uses (see the module docstring); ``constants`` (``--set``,
    ``kolom=nilai,...``) are added to it."""
    extra = parse_pairs(constants, spec_for(kind).columns)
    unknown = sorted(set(extra) - set(spec_for(kind).columns))
    if unknown:
        raise InvalidInput(f"--set: {', '.join(unknown)} bukan kolom yang dikenal.")
    chosen = get_profile(conn, kind, profile) if profile else mapping_profile(kind, columns)
    choice = Choice(chosen, None, False)
    if chosen is None:
        found = detect_layout(conn, path, kind, sheet=sheet, name=name)
        if found.used is not None:
            choice = Choice(found.used, found.confidence, True)
    if extra:
        problems = constant_problems(kind, extra, choice.profile)
        if problems:
            raise InvalidInput("--set: " + "; ".join(f"{c}: {p}" for c, p in problems.items())
                               + ".", {"kolom": sorted(problems)})
        choice.profile = add_constants(kind, choice.profile, extra)
    return choice


def constant_problems(kind: str, constants: Mapping[str, str],
                      profile: ColumnProfile | None) -> dict[str, str]:
    """Column -> the reason its constant value is refused (none: every value is fine), by the
    row rule of the column, dates read in ``profile``'s date order as the import will."""
    order = profile.date_order if profile else "dmy"
    problems: dict[str, str] = {}
    for column, value in constants.items():
        value = value.strip()
        rule = CONSTANT_RULES.get(column)  # other columns: only their row rules at import
        if column not in spec_for(kind).columns:
            problem: str | None = "bukan kolom yang dikenal"
        elif column in PER_ROW[kind]:
            problem = "tidak dapat diisi sama untuk semua baris (tiap baris berbeda)"
        elif not value:
            problem = validation.REQUIRED
        elif column.startswith("tanggal_"):
            problem = validation.date_cell(value, order)[1]
        else:
            problem = rule(value)[1] if rule else None
        if problem:
            problems[column] = problem
    return problems


def add_constants(kind: str, profile: ColumnProfile | None,
                  constants: Mapping[str, str]) -> ColumnProfile | None:
    """``profile`` (None: the own layout) with checked ``constants`` for the columns the file
    lacks; the profile itself when there are none."""
    if not constants:
        return profile
    base = profile or builtin(kind, "sasaran")
    return base.with_constants({c: v.strip() for c, v in constants.items()}) if base else None


def detect_layout(conn: Connection, path: Path, kind: str, *, sheet: str | None = None,
                  name: str | None = None) -> Detection:
    """The best matching layout of ``kind`` for the file's headers (see ``geo.io.detect``)."""
    headers, _ = read_headers(path, sheet, name)
    best, confidence = detect(headers, kind, spec_for(kind).columns,
                              saved_profiles(conn, kind))[0]
    return Detection(best, confidence)


def preview(conn: Connection, path: Path, kind: str, profile: ColumnProfile | None, *,
            sheet: str | None = None, name: str | None = None, rows: int = 5) -> dict[str, Any]:
    """Detected profiles with confidence, how each of our columns is filled, and the first
    rows as our columns would read them (NIK/No. KK masked)."""
    spec = spec_for(kind)
    headers, first = read_headers(path, sheet, name, rows)
    ranked = detect(headers, kind, spec.columns, saved_profiles(conn, kind))
    binding = bind(headers, spec.columns, kind, profile, crosswalk_for(conn, profile))
    mapped = []
    for cells in first:
        cells = cells + [""] * (len(headers) - len(cells))
        full = cells[:len(headers)] + binding.row(cells[:len(headers)])
        row = {c: full[i].strip() for c, i in binding.index.items()}
        mapped.append({c: identity.mask_cell(v) if c in IDENTITY and v else v
                       for c, v in row.items()})
    return {
        "kolom_berkas": headers,
        "terdeteksi": [{"nama": p.name, "label": p.label, "keyakinan": c} for p, c in ranked],
        "profil": profile.definition() if profile else None,
        "pemetaan": {c: binding.source_of.get(c) for c in spec.columns},
        "kolom_wajib_kosong": [c for c in spec.required if c not in binding.index],
        "baris": mapped,
    }


def crosswalk_for(conn: Connection, profile: ColumnProfile | None) -> dict[str, str] | None:
    """The BPS -> Kemendagri table, only when the profile combines area codes."""
    if profile is None or not profile.combine:
        return None
    return {r.kode_bps: r.kode_kemendagri for r in conn.execute(
        text("SELECT kode_bps, kode_kemendagri FROM kode_padanan"))}


def load_crosswalk(conn: Connection, path: Path, name: str | None = None) -> int:
    """Load a crosswalk CSV (``kode_bps,kode_kemendagri``; BPS 10 digits, Kemendagri a
    kelurahan/desa code with or without dots); upserts, returns the rows loaded."""
    label = name or path.name
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    pairs: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        bps = (row.get("kode_bps") or "").strip().replace(".", "")
        code = codes.normalise_code((row.get("kode_kemendagri") or "").strip().replace(".", ""))
        if not (len(bps) == 10 and bps.isdigit()) or codes.level_of(code) != "kelurahan":
            raise InvalidInput(f"Berkas {label} baris {number}: perlu kode_bps 10 digit dan "
                               "kode_kemendagri kelurahan/desa (mis. 64.74.03.1002).",
                               {"berkas": label, "baris": number})
        pairs[bps] = code
    if not pairs:
        raise InvalidInput(f"Berkas {label}: tidak ada baris kode_bps,kode_kemendagri.")
    conn.execute(text(
        "INSERT INTO kode_padanan (kode_bps, kode_kemendagri) "
        "SELECT * FROM unnest(CAST(:b AS text[]), CAST(:k AS text[])) "
        "ON CONFLICT (kode_bps) DO UPDATE SET kode_kemendagri = EXCLUDED.kode_kemendagri"),
        {"b": list(pairs), "k": list(pairs.values())})
    return len(pairs)
