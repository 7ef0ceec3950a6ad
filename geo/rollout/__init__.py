"""Pilot areas and rollout waves, pure: the priority score, the contiguous pilot cluster, and a
plan's projection per wave.

Public: ``rank_areas``, ``grow_cluster``, ``households_cap``, ``resolve_weights``,
``parse_weights``, ``AreaFigures``, ``Priority``, ``COMPONENTS``, ``COMPONENT_LABELS``,
``DEFAULT_WEIGHTS`` (priorities); ``project``, ``validate_waves``, ``Wave``, ``Baseline``,
``Totals``, ``Projection`` (projection: exact Decimal arithmetic).
"""

from geo.rollout.priorities import (
    COMPONENT_LABELS,
    COMPONENTS,
    DEFAULT_WEIGHTS,
    AreaFigures,
    Priority,
    grow_cluster,
    households_cap,
    parse_weights,
    rank_areas,
    resolve_weights,
)
from geo.rollout.projection import Baseline, Projection, Totals, Wave, project, validate_waves

__all__ = ["COMPONENT_LABELS", "COMPONENTS", "DEFAULT_WEIGHTS", "AreaFigures", "Baseline",
           "Priority", "Projection", "Totals", "Wave", "grow_cluster", "households_cap",
           "parse_weights", "project", "rank_areas", "resolve_weights", "validate_waves"]
