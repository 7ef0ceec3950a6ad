"""Mutation check of the rule code (not a test): does a one-line change to a rule make a test fail?

Each mutation below changes one line of rule code (SQL or Python: thresholds, ``>=``/``>``,
date bounds, suppression and masking limits, match order, area scoping) in a scratch copy of
the working tree, runs the tests named for it, and is *killed* when they fail. A mutation that
survives is a rule no test pins down. Results go to stdout as a table; the list and the last
result are kept in docs/security.md ("Uji mutasi").

    .venv/bin/python bench/mutations.py            # all mutations
    .venv/bin/python bench/mutations.py nik-day-40 # some, by name

The scratch copy sits in a temporary directory beside a link to ../shared (the boundaries the
tests load), and runs with this checkout's virtual environment and PYTHONPATH pointing at it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("app", "geo", "tests", "migrations", "data", "pyproject.toml", "alembic.ini")


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str
    before: str
    after: str
    tests: tuple[str, ...]


IDENTITY = ("tests/registry/test_identity.py",)
BOUNDS = ("tests/coverage/test_rule_boundaries.py",)
ATTACK = ("tests/coverage/test_suppression_attack.py",)
KEYS = ("tests/coverage/test_coverage_keys.py",)
MATRIX = "tests/access/test_access_matrix.py"
UPLOADS = ("tests/platform/test_one_upload_rule.py",)
MUTATIONS = (
    Mutation("nik-day-40", "geo/identity.py", "41 <= day <= 71", "40 <= day <= 71", IDENTITY),
    Mutation("nik-day-72", "geo/identity.py", "41 <= day <= 71", "41 <= day <= 72", IDENTITY),
    Mutation("nik-day-32", "geo/identity.py", "1 <= day <= 31", "1 <= day <= 32", IDENTITY),
    Mutation("nik-fast-day-40", "geo/identity.py", "(day >= 41)", "(day >= 40)", IDENTITY),
    Mutation("nik-fast-day-72", "geo/identity.py", "(day <= 71)", "(day <= 72)", IDENTITY),
    Mutation("overlap-two-programs", "app/sql/coverage/steps_refresh.sql",
             "(s.n_program >= 2)::int", "(s.n_program > 2)::int", BOUNDS),
    Mutation("overlap-two-agencies", "app/sql/coverage/steps_refresh.sql",
             "(s.n_instansi >= 2)::int", "(s.n_instansi > 2)::int", BOUNDS),
    Mutation("program-overlap-two", "geo/coverage/mix.py",
             "len(set(row.programs)) >= OVERLAP_MIN", "len(set(row.programs)) > OVERLAP_MIN",
             BOUNDS + KEYS),
    Mutation("program-key-overlap-two", "app/sql/coverage/key_steps_refresh.sql",
             "FILTER (WHERE n_program >= 2)", "FILTER (WHERE n_program > 2)", BOUNDS + KEYS),
    Mutation("agency-overlap-two", "geo/coverage/mix.py",
             "len(set(row.agencies)) >= OVERLAP_MIN", "len(set(row.agencies)) > OVERLAP_MIN",
             BOUNDS),
    Mutation("end-date-inclusive", "app/sql/coverage/segments_rebuild.sql",
             "COALESCE(e.tanggal_selesai + 1,", "COALESCE(e.tanggal_selesai,", BOUNDS),
    Mutation("start-date-inclusive", "app/sql/coverage/segments_rebuild.sql",
             "e.tanggal_mulai AS a,", "e.tanggal_mulai + 1 AS a,", BOUNDS),
    Mutation("target-desil-threshold", "app/sql/coverage/targets_by_area.sql",
             "h.desil <= :desil", "h.desil < :desil", BOUNDS),
    Mutation("match-order-kk-after-id", "app/sql/coverage/enrollment_match.sql",
             "    WHERE NOT EXISTS (SELECT 1 FROM by_id b WHERE b.nomor_baris = st.nomor_baris)",
             "    WHERE true", ("tests/coverage/test_match_order.py",)),
    Mutation("suppress-primary-1-3", "geo/coverage/suppression.py",
             "status = [SMALL_CELL if 1 <= v <= 4 else SHOWN for v in values]",
             "status = [SMALL_CELL if 1 <= v <= 3 else SHOWN for v in values]", ATTACK),
    Mutation("suppress-no-singleton-check", "geo/coverage/suppression.py",
             "        if len(hidden) == 1 and hidden[0] not in given_up:",
             "        if len(hidden) == 0 and hidden[0] not in given_up:", ATTACK),
    Mutation("suppress-no-elimination", "geo/coverage/suppression.py",
             "    found = determined(hidden_set, table.equalities) - given_up",
             "    found = set()", ATTACK),
    Mutation("fgt-min-households", "geo/coverage/poverty.py", "MIN_HOUSEHOLDS = 5",
             "MIN_HOUSEHOLDS = 4", ("tests/coverage/test_fgt_small_areas.py",)),
    Mutation("fgt-poor-households", "geo/coverage/poverty.py", "or 1 <= poor < MIN_HOUSEHOLDS",
             "or 1 <= poor < 3", ("tests/coverage/test_fgt_small_areas.py",)),
    Mutation("mask-15-digits", "geo/masking.py", "MIN_DIGITS = 15", "MIN_DIGITS = 16",
             ("tests/io/test_masking.py",)),
    Mutation("mask-no-separators", "geo/masking.py", '''_SEPARATOR = r"[ .\\-/_,']"''',
             '''_SEPARATOR = r"[.]"''', ("tests/io/test_masking.py",)),
    Mutation("formula-at-sign", "geo/io/sheets.py",
             'FORMULA_LEAD = ("=", "+", "-", "@", "\\t", "\\r")',
             'FORMULA_LEAD = ("=", "+", "-", "\\t", "\\r")',
             ("tests/io/test_spreadsheet_injection.py",)),
    Mutation("area-bound-existing-id", "app/sql/registry/outside_area.sql",
             "   OR EXISTS (SELECT 1 FROM household h", "   OR false AND EXISTS (SELECT 1 "
             "FROM household h", ("tests/access/test_area_bound_writes.py",)),
    Mutation("area-bound-enrollments", "app/sql/coverage/enrollment_match.sql",
             "    WHERE CAST(:area_patterns AS text[]) IS NULL\n",
             "    WHERE true OR CAST(:area_patterns AS text[]) IS NULL\n",
             ("tests/access/test_area_bound_writes.py",)),
    Mutation("area-prefix-dot", "app/services/scope.py", 'patterns += [escaped, escaped + ".%"]',
             'patterns += [escaped, escaped + "%"]', ("tests/access/test_area_scope.py",)),
    Mutation("rejected-enrollments-own-upload", "app/services/uploads/kinds.py",
             "    if principal.can_see_persons and principal.area_prefixes:",
             "    if False:", (MATRIX, "-k", "rejected_enrollment")),
    Mutation("upload-name-bytes", "app/uploads.py",
             'if len(name.encode("utf-8")) <= MAX_NAME_BYTES:', "if True:", UPLOADS),
    Mutation("upload-utf16-without-bom", "app/uploads.py", " or _utf16_like(head):",
             " or False:", UPLOADS),
    Mutation("upload-chunked-413", "app/hardening.py", "                exceeded = True",
             "                exceeded = False", UPLOADS),
    Mutation("report-protected-total", "app/services/maps/report.py",
             'total = {**pub.total(area), "kode": None, "nama": "Jumlah"}',
             "total = total_row(rows)", ("tests/maps/test_report.py",)),
    Mutation("report-protected-rows", "app/services/maps/report.py",
             "rows = pub.areas(level, area, program=flt.program, agency=flt.agency)",
             "rows = pub.areas(level, area, program=flt.program, agency=flt.agency) if False "
             "else __import__('app.services.coverage', fromlist=['x']).coverage_by_area("
             "conn, level=level, parent=area, ref_date=flt.ref_date, "
             "desil_max=flt.desil_max)", ("tests/maps/test_report.py",)),
)


def scratch() -> Path:
    """A copy of the working tree with ../shared beside it."""
    base = Path(tempfile.mkdtemp(prefix="sasaran-mutants-"))
    (base / "shared").symlink_to(ROOT.parent / "shared")
    repo = base / "repo"
    repo.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore, symlinks=True)
        elif source.exists():
            shutil.copy2(source, repo / name)
    return repo


def run(repo: Path, mutation: Mutation) -> tuple[str, float]:
    target = repo / mutation.path
    original = target.read_text(encoding="utf-8")
    if original.count(mutation.before) != 1:
        return "NOT APPLIED (the line changed: update the mutation)", 0.0
    target.write_text(original.replace(mutation.before, mutation.after), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(repo), "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "pytest"), "-x", "-q", "-p", "no:cacheprovider",
             *mutation.tests], cwd=repo, env=env, capture_output=True, text=True, timeout=1800)
        verdict = "killed" if done.returncode != 0 else "SURVIVED"
        if done.returncode not in (0, 1):
            verdict = f"killed (pytest exit {done.returncode})"
    finally:
        target.write_text(original, encoding="utf-8")
    return verdict, time.perf_counter() - started


def main(names: list[str]) -> int:
    chosen = [m for m in MUTATIONS if not names or m.name in names]
    repo = scratch()
    survivors = 0
    print(f"{'mutation':30} {'file':42} result")
    for mutation in chosen:
        verdict, seconds = run(repo, mutation)
        survivors += verdict != "killed" and not verdict.startswith("killed")
        print(f"{mutation.name:30} {mutation.path:42} {verdict} ({seconds:.0f} s)", flush=True)
    shutil.rmtree(repo.parent, ignore_errors=True)
    print(f"\n{len(chosen)} mutations, {len(chosen) - survivors} killed, {survivors} survived")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
