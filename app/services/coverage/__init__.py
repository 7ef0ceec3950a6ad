"""Program coverage in PostGIS: programs and enrollments in, figures, lists, checks and exports out.

Public: ``coverage_by_area``, ``coverage_by_program``, ``coverage_by_agency``, ``overlap_matrix``,
``gap_list``, ``leakage_list``, ``poverty_by_area`` (figures and lists); ``check_identities``,
``MAX_NUMBERS`` (check: "already covered?"), ``annotate_file``, ``check_file``,
``check_pasted``, ``CheckedList`` (check_file: a whole list at once); ``coverage_table``,
``CoverageTable`` (table: one level's rows, per-program columns, the total row);
``export_coverage`` (export of that table); ``import_programs``, ``get_program`` and the
``programs`` module (agencies and programs); ``import_enrollments``, ``unmatched_rows``;
``rebuild_segments`` (segments) and ``refresh_stale`` (steps), which keep the precomputed
coverage segments and steps current; ``list_suggestions``, ``decide``, ``suggestions_for``,
``decide_for`` (decisions: the officer's side of match suggestions). ``sql`` holds the
statements' shared parts and the ``Query`` parameters.

``publication`` (``CoveragePublication``) is THE entry point for every aggregate a response
carries: it returns the rows above unchanged to roles that may see persons and protected
(small counts and whatever would give them back hidden) to the others.
"""

from app.services.coverage import programs
from app.services.coverage.check import MAX_NUMBERS, check_identities
from app.services.coverage.check_file import (
    CheckedList,
    annotate_file,
    check_file,
    check_pasted,
)
from app.services.coverage.decisions import (
    decide,
    decide_for,
    list_suggestions,
    suggestions_for,
)
from app.services.coverage.enrollments import import_enrollments, unmatched_rows
from app.services.coverage.export import export_coverage
from app.services.coverage.figures import (
    coverage_by_agency,
    coverage_by_area,
    coverage_by_program,
    gap_list,
    leakage_list,
    overlap_matrix,
    poverty_by_area,
)
from app.services.coverage.programs import get_program, import_programs
from app.services.coverage.published import CoveragePublication, publication
from app.services.coverage.segments import rebuild_segments
from app.services.coverage.steps import refresh_stale
from app.services.coverage.table import CoverageTable, coverage_table

__all__ = ["MAX_NUMBERS", "CheckedList", "CoveragePublication", "CoverageTable", "annotate_file",
           "check_file", "check_identities", "check_pasted", "coverage_by_agency",
           "coverage_by_area", "coverage_by_program", "coverage_table", "decide", "decide_for",
           "export_coverage", "gap_list", "get_program", "import_enrollments", "import_programs",
           "leakage_list", "list_suggestions", "overlap_matrix", "poverty_by_area", "programs",
           "publication", "rebuild_segments", "refresh_stale", "suggestions_for",
           "unmatched_rows"]
