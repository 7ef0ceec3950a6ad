"""The household registry in PostGIS: importing households and members, reading them back, and
geocoding set-based.

Public: ``import_households``, ``ImportResult`` (households: parse, validate, hash, geocode, COPY,
upsert; with ``load``, ``payload`` and ``side`` as its private parts); ``import_members``;
``list_households``, ``get_household``, ``possible_duplicates``, ``HouseholdFilter``
(queries); ``kelurahan_index``, ``regeocode_households``,
``regeocode_after_boundary_load`` (geocoding).
"""

from app.services.registry.geocoding import (
    kelurahan_index,
    regeocode_after_boundary_load,
    regeocode_households,
)
from app.services.registry.households import ImportResult, import_households
from app.services.registry.members import import_members
from app.services.registry.queries import (
    HouseholdFilter,
    get_household,
    list_households,
    possible_duplicates,
)

__all__ = ["HouseholdFilter", "ImportResult", "get_household",
           "import_households", "import_members", "kelurahan_index", "list_households",
           "possible_duplicates", "regeocode_after_boundary_load", "regeocode_households"]
