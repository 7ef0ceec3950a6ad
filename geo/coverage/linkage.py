"""Probable matches for enrollment rows that matched nobody: candidates, evidence, score.

The registry keeps NIK and No. KK only as keyed digests, so near-misses are found the other way
round: every *valid* number one digit off or with two neighbouring digits swapped is generated
from the row's own number (at most 144 + 15 per number) and looked up by digest
(``identity_variants``). Names are compared with rapidfuzz (``token_sort_ratio`` on names
lower-cased and stripped of punctuation: word order and one or two typos cost little), within
the kecamatan the row's NIK or No. KK names (its first six digits), the blocking that makes a
million households affordable.

Evidence and score (0-1; a candidate household with several pieces of evidence takes the best
base and adds the bonuses; see docs/coverage.md for the measured precision and recall):

| evidence | base |
|---|---|
| NIK one digit off / two neighbouring digits swapped (head or a member) | 0.62 / 0.66 |
| No. KK one digit off / swapped | 0.50 / 0.54 |
| same name (similarity >= 0.85) and birth date, same kecamatan | 0.45 + 0.5 x similarity |
| No. KK unknown, head's name the same (>= 0.90) in the KK's kecamatan | 0.30 + 0.4 x sim. |

Bonuses on identity evidence: name similar (>= 0.80) +0.30 x similarity, name clearly different
(< 0.60) -0.25; birth date equal +0.05, different -0.15. Scores are capped at 0.99; candidates
under ``MIN_SCORE`` are dropped; each row keeps its best ``TOP`` households.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, utils

from geo import identity

TOP = 3
MIN_SCORE = 0.5
SAME_NAME = 0.85
SAME_HEAD = 0.90
BASE = {"nik_satu_digit": 0.62, "nik_tertukar": 0.66, "kk_satu_digit": 0.50,
        "kk_tertukar": 0.54}
REASONS = {
    "nik_satu_digit": "NIK berbeda satu digit",
    "nik_tertukar": "NIK dengan dua digit bersebelahan tertukar",
    "kk_satu_digit": "No. KK berbeda satu digit",
    "kk_tertukar": "No. KK dengan dua digit bersebelahan tertukar",
    "nama_tanggal_lahir": "nama dan tanggal lahir sama, di kecamatan yang sama",
    "kk_berubah_nama_kepala": "No. KK tidak dikenal (mungkin diterbitkan ulang); nama kepala "
                              "keluarga sama di kecamatan yang sama",
    "nama_mirip": "nama mirip",
    "nama_berbeda": "nama berbeda",
    "tanggal_lahir_sama": "tanggal lahir sama",
    "tanggal_lahir_berbeda": "tanggal lahir berbeda",
}


@dataclass(frozen=True)
class Query:
    """An unmatched row, as read from the uploaded file (plain numbers never leave memory)."""

    ref: int
    nik: str | None = None
    no_kk: str | None = None
    nama: str | None = None
    tanggal_lahir: date | None = None

    @property
    def kecamatan(self) -> str | None:
        """The dotted kecamatan code the row's NIK (or else No. KK) was issued in."""
        number = self.nik or self.no_kk
        return f"{number[:2]}.{number[2:4]}.{number[4:6]}" if number else None


@dataclass(frozen=True)
class Person:
    """A registry household seen through one person: its head or a member."""

    household_id: int
    kode_kelurahan: str
    nama: str
    tanggal_lahir: date | None = None
    head: bool = True


@dataclass
class Suggestion:
    household_id: int
    kode_kelurahan: str
    score: float
    reasons: list[str] = field(default_factory=list)

    def explained(self) -> list[dict[str, str]]:
        return [{"kode": r, "teks": REASONS[r]} for r in self.reasons]


def identity_variants(number: str, kind: str) -> dict[str, str]:
    """Valid numbers one digit off or with two neighbouring digits swapped -> reason code."""
    valid: Callable[[str], str | None] = (identity.nik_problem if kind == "nik"
                                          else identity.kk_problem)
    out: dict[str, str] = {}
    for i in range(len(number) - 1):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
            if valid(swapped) is None:
                out[swapped] = f"{kind}_tertukar"
    for i, digit in enumerate(number):
        for other in "0123456789":
            if other != digit:
                changed = number[:i] + other + number[i + 1:]
                if changed not in out and valid(changed) is None:
                    out[changed] = f"{kind}_satu_digit"
    return out


def similarity(a: str | None, b: str | None) -> float:
    """Name similarity 0-1 (rapidfuzz token_sort_ratio, default processing)."""
    if not a or not b:
        return 0.0
    return fuzz.token_sort_ratio(a, b, processor=utils.default_process) / 100


def score_identity(query: Query, person: Person, reason: str) -> tuple[float, list[str]]:
    """Base of an identity near-miss, with the name and birth date bonuses."""
    score, reasons = BASE[reason], [reason]
    if query.nama:
        sim = similarity(query.nama, person.nama)
        if sim >= 0.80:
            score += 0.30 * sim
            reasons.append("nama_mirip")
        elif sim < 0.60:
            score -= 0.25
            reasons.append("nama_berbeda")
    if query.tanggal_lahir and person.tanggal_lahir:
        same = query.tanggal_lahir == person.tanggal_lahir
        score += 0.05 if same else -0.15
        reasons.append("tanggal_lahir_sama" if same else "tanggal_lahir_berbeda")
    return score, reasons


def score_name(query: Query, person: Person, sim: float) -> tuple[float, list[str]] | None:
    """Name evidence without an identity hit (``sim`` from the bulk comparison)."""
    if (query.tanggal_lahir and person.tanggal_lahir == query.tanggal_lahir
            and sim >= SAME_NAME):
        return 0.45 + 0.5 * sim, ["nama_tanggal_lahir"]
    if query.no_kk and not query.nik and person.head and sim >= SAME_HEAD:
        return 0.30 + 0.4 * sim, ["kk_berubah_nama_kepala"]
    return None


def rank(evidence: Iterable[tuple[int, Person, float, list[str]]]) -> dict[int, list[Suggestion]]:
    """``(query ref, person, score, reasons)`` -> each query's best ``TOP`` households."""
    best: dict[int, dict[int, Suggestion]] = {}
    for ref, person, score, reasons in evidence:
        per_query = best.setdefault(ref, {})
        held = per_query.get(person.household_id)
        if held is None or score > held.score:
            per_query[person.household_id] = Suggestion(
                person.household_id, person.kode_kelurahan, min(round(score, 3), 0.99), reasons)
    ranked = {}
    for ref, suggestions in best.items():
        kept = sorted((s for s in suggestions.values() if s.score >= MIN_SCORE),
                      key=lambda s: (-s.score, s.household_id))[:TOP]
        if kept:
            ranked[ref] = kept
    return ranked
