"""Program coverage, pure: program and enrollment rows, and the definitions behind every figure.

Public: ``validate_program``, ``ProgramRow``, ``PROGRAM_SPEC``, ``UNITS``, ``service_area``
(programs); ``validate_row``, ``EnrollmentRow``, ``ENROLLMENT_SPEC`` (enrollments);
``check_level``, ``check_desil``, ``check_line``, ``area_code_sql``, ``rate``,
``fgt_from_sums``, ``suppress_value``, ``suppress_row``, ``SMALL``, ``LEVEL_LENGTH``,
``COUNT_KEYS`` (rules: levels, FGT indices, small-count suppression); ``total_row``,
``fgt_total`` (totals of a table's rows).
"""

from geo.coverage.enrollments import ENROLLMENT_SPEC, EnrollmentRow, validate_row
from geo.coverage.programs import PROGRAM_SPEC, UNITS, ProgramRow, service_area, validate_program
from geo.coverage.rules import (
    COUNT_KEYS,
    LEVEL_LENGTH,
    SMALL,
    area_code_sql,
    check_desil,
    check_level,
    check_line,
    fgt_from_sums,
    rate,
    suppress_row,
    suppress_value,
)
from geo.coverage.totals import fgt_total, total_row

__all__ = ["COUNT_KEYS", "ENROLLMENT_SPEC", "LEVEL_LENGTH", "PROGRAM_SPEC", "SMALL", "UNITS",
           "EnrollmentRow", "ProgramRow",
           "area_code_sql", "check_desil", "check_level", "check_line", "fgt_from_sums", "rate",
           "fgt_total", "service_area", "suppress_row", "suppress_value", "total_row",
           "validate_program", "validate_row"]
