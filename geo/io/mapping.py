"""A profile bound to one file's headers: the canonical column index and the derived columns.

``bind(headers, spec, kind, profile, crosswalk)`` resolves every header (profile rename, the
canonical name, a known alias; see ``geo.io.profiles``) and plans the derived columns (combined
area codes, constants for columns the file lacks, value maps). Derived cells are appended after
the file's own cells, so row numbers, rejected rows and the file's own columns stay as read;
``Binding.row`` computes them for a row of cells, ``Binding.frame`` for a polars frame (each
distinct source combination computed once, by the same Python function, so both paths agree).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from geo.io.aliases import alias_table
from geo.io.profiles import ColumnProfile, header_key, whole_key

SEPARATOR = "\x1f"  # joins source cells into one key (a unit separator never typed in a cell)


@dataclass(frozen=True)
class Derived:
    """One derived column: its canonical name, label, source positions and rule."""

    name: str
    label: str
    sources: tuple[int, ...]
    rule: Callable[[tuple[str, ...]], str]


@dataclass
class Binding:
    index: dict[str, int]  # canonical -> position among file cells + derived cells
    derived: list[Derived] = field(default_factory=list)
    source_of: dict[str, str] = field(default_factory=dict)  # canonical -> file header / rule

    @property
    def labels(self) -> list[str]:
        return [d.label for d in self.derived]

    def row(self, cells: list[str]) -> list[str]:
        return [d.rule(tuple(cells[p].strip() for p in d.sources)) for d in self.derived]

    def frame(self, cells: pl.DataFrame, width: int) -> pl.DataFrame:
        """The frame (columns named by position) with the derived columns appended."""
        extra = []
        for offset, d in enumerate(self.derived):
            name = str(width + offset)
            if not d.sources:
                extra.append(pl.lit(d.rule(()), dtype=pl.String).alias(name))
                continue
            keys = pl.concat_str([pl.col(str(p)).str.strip_chars() for p in d.sources],
                                 separator=SEPARATOR)
            distinct = cells.select(keys.unique()).to_series().to_list()
            lookup = {k: d.rule(tuple(k.split(SEPARATOR))) for k in distinct}
            extra.append(keys.replace_strict(lookup, return_dtype=pl.String).alias(name))
        return cells.with_columns(extra) if extra else cells


def bind(headers: Sequence[str], columns: Sequence[str], kind: str,
         profile: ColumnProfile | None, crosswalk: Mapping[str, str] | None = None,
         legacy_map: Mapping[str, str] | None = None) -> Binding:
    """Resolve ``headers`` onto ``columns`` (see the module docstring). ``legacy_map`` is the
    old ``--columns`` dict, keyed by ``geo.io.tabular.normalise_header`` of the source.

    A header with a rename rule (``legacy_map`` or the profile's) feeds exactly what its rule
    names: a rule to anything but one of ``columns`` (``""``: the preview's "ignore") drops the
    header, it never falls back to its own name or an alias. Other headers resolve by name, then
    by alias; a rule claims its column before any name does."""
    rules = _rules(headers, legacy_map or {}, profile.rename if profile else {})
    exact = {header_key(c): c for c in columns}
    aliases = alias_table(kind, columns)
    index: dict[str, int] = {}
    source_of: dict[str, str] = {}
    positions: dict[str, int] = {}
    for lookup in (None, exact, aliases):
        for position, header in enumerate(headers):
            key = header_key(header)
            positions.setdefault(key, position)
            if (lookup is None) != (position in rules):
                continue
            canonical = rules[position] if lookup is None else lookup.get(key)
            if (canonical is not None and canonical in columns and canonical not in index
                    and position not in index.values()):
                index[canonical] = position
                source_of[canonical] = header
    binding = Binding(index, source_of=source_of)
    if profile is not None:
        _plan(binding, profile, positions, columns, len(headers), crosswalk or {})
    return binding


def _rules(headers: Sequence[str], legacy_map: Mapping[str, str],
           rename: Mapping[str, str]) -> dict[int, str]:
    """Header position -> the target its rule names. A rule's source matches a header by the
    whole header (a parenthesised hint included, as ``--columns`` and the preview key it) or,
    for a profile's rename, by its key without the hint; ``legacy_map`` wins over ``rename``."""
    by_whole = {whole_key(k): v for k, v in rename.items()}
    by_whole.update({whole_key(k): v for k, v in legacy_map.items()})
    by_key = {header_key(k): v for k, v in rename.items()}
    found: dict[int, str] = {}
    for position, header in enumerate(headers):
        target = by_whole.get(whole_key(header), by_key.get(header_key(header)))
        if target is not None:
            found[position] = target
    return found


def _plan(binding: Binding, profile: ColumnProfile, positions: dict[str, int],
          columns: Sequence[str], width: int, crosswalk: Mapping[str, str]) -> None:
    def add(name: str, label: str, sources: tuple[int, ...],
            rule: Callable[[tuple[str, ...]], str]) -> None:
        binding.index[name] = width + len(binding.derived)
        binding.source_of[name] = label
        binding.derived.append(Derived(name, label, sources, rule))

    def combined(cells: tuple[str, ...]) -> str:
        return area_code(cells, profile.area_codes, crosswalk)

    for name, parts in profile.combine.items():
        found = [positions.get(header_key(p)) for p in parts]
        if name in columns and name not in binding.index and None not in found:
            add(name, f"{name} ({'+'.join(parts)})", tuple(p for p in found if p is not None),
                combined)
    for name, mapping in profile.values.items():
        if name in binding.index and binding.index[name] < width:
            add(name, f"{name} (kode)", (binding.index[name],), _value_map(mapping))
    for name, value in profile.constants.items():
        if name in columns and name not in binding.index:
            add(name, f"{name} (tetap)", (), _constant(value))


def _value_map(mapping: Mapping[str, str]) -> Callable[[tuple[str, ...]], str]:
    lookup = {k.strip().lower(): v for k, v in mapping.items()}
    return lambda cells: lookup.get(cells[0].lower(), cells[0])


def _constant(value: str) -> Callable[[tuple[str, ...]], str]:
    return lambda _cells: value


def area_code(parts: tuple[str, ...], scheme: str, crosswalk: Mapping[str, str]) -> str:
    """Province, kab/kota, kecamatan, village parts -> a Kemendagri code, by the rule of
    ``geo.io.profiles`` (``scheme``: otomatis, kemendagri or bps)."""
    cleaned = [p[:-2] if p.endswith(".0") else p for p in parts]
    if not all(cleaned):
        return ""
    if not all(p.isascii() and p.isdigit() for p in cleaned):
        return ".".join(cleaned)  # the row rules reject it, showing what the file had
    prov, kab, kec, desa = cleaned
    kemendagri = len(desa) == 4 and desa[0] in "12"
    if scheme == "kemendagri" or (scheme == "otomatis" and kemendagri):
        return f"{prov.zfill(2)}.{kab.zfill(2)}.{kec.zfill(2)[-2:]}.{desa.zfill(4)}"
    bps = prov.zfill(2) + kab.zfill(2) + kec.zfill(3) + desa.zfill(3)
    return crosswalk.get(bps) or f"BPS {bps} (tidak ada di tabel padanan)"
