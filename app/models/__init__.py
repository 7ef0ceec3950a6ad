"""SQLAlchemy models, one module per domain area; importing this package registers all tables.

The schema itself is owned by the Alembic revisions in ``migrations/``; these models describe it
for queries and for the drift check (``compare_metadata``) in the tests.
"""

from app.models.access import ApiKey, AuditLog, AuditTileMinute, User, WebSession
from app.models.base import Base
from app.models.files import (
    AreaCrosswalk,
    ImportWarning,
    MatchRejection,
    MatchSuggestion,
    SavedProfile,
)
from app.models.programs import (
    Agency,
    CoverageCombinationStep,
    CoverageGroup,
    CoverageKeyStep,
    CoverageSegment,
    CoverageStale,
    CoverageStep,
    Enrollment,
    Program,
)
from app.models.registry import Household, ImportBatch, Member, RejectedRow
from app.models.rollout import RolloutPlan, RolloutWave
from app.models.wilayah import Wilayah

__all__ = ["Agency", "ApiKey", "AreaCrosswalk", "AuditLog", "AuditTileMinute", "Base",
           "CoverageCombinationStep", "CoverageGroup", "CoverageKeyStep", "CoverageSegment",
           "CoverageStale", "CoverageStep", "Enrollment", "Household", "ImportBatch",
           "ImportWarning", "MatchRejection", "MatchSuggestion", "Member", "Program",
           "RejectedRow", "RolloutPlan", "RolloutWave", "SavedProfile", "User", "WebSession",
           "Wilayah"]
