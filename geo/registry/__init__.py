"""The household registry's rules, pure: household and member rows, and geocoding to kelurahan.

Public: ``validate_households``, ``ValidHouseholds``, ``HOUSEHOLD_SPEC``, ``STATUSES``
(households: the row rules of domain.md, column-wise); ``split_frame`` and ``SeenIds`` (frames:
the rows that surely pass, on a polars frame, for bulk imports); ``validate_members``,
``ValidMembers``, ``MEMBER_SPEC`` (members); ``KelurahanIndex``, ``parse_coordinates``,
``flag_names``, ``FLAG_ORDER`` (geocode: domain.md rules 1-6). NIK/No. KK rules: ``geo.identity``.
"""

from geo.registry.frames import SeenIds, split_frame
from geo.registry.geocode import FLAG_ORDER, KelurahanIndex, flag_names, parse_coordinates
from geo.registry.households import (
    HOUSEHOLD_SPEC,
    STATUSES,
    ValidHouseholds,
    validate_households,
)
from geo.registry.members import MEMBER_SPEC, ValidMembers, validate_members

__all__ = ["FLAG_ORDER", "HOUSEHOLD_SPEC", "MEMBER_SPEC", "STATUSES", "KelurahanIndex",
           "SeenIds", "ValidHouseholds", "ValidMembers", "flag_names", "parse_coordinates",
           "split_frame", "validate_households", "validate_members"]
