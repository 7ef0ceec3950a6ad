"""Probable matches for enrollment rows that matched nobody: candidates, evidence, score.

The registry keeps NIK and No. KK only as keyed digests, so near-misses are found the other way
round: every *valid* number one digit off or with two neighbouring digits swapped is generated
from the row's own number (at most 144 + 15 per number, ``identity_variants``, vectorised over
all rows) and looked up by digest. Names are compared with rapidfuzz (``token_sort_ratio`` on
names lower-cased and stripped of punctuation: word order and one or two typos cost little):
against people born on the row's birth date, or against the heads of the kecamatan the row's
No. KK names (its first six digits), the blocking that makes a million households affordable.

Evidence and score (0-1; a candidate household with several pieces of evidence takes the best
base and adds the bonuses; see docs/coverage.md for the measured precision and recall):

| evidence | base |
|---|---|
| NIK one digit off / two neighbouring digits swapped (head or a member) | 0.62 / 0.66 |
| No. KK one digit off / swapped | 0.50 / 0.54 |
| same name (similarity >= 0.85) and birth date, same kecamatan | 0.45 + 0.5 x similarity |
| No. KK unknown, head's name the same (>= 0.90) in the KK's kecamatan | 0.30 + 0.4 x sim. |
|   ... less 0.12 for every other head of that kecamatan whose name is as close | |

Bonuses on identity evidence: name similar (>= 0.80) +0.30 x similarity, name clearly different
(< 0.60) -0.25; birth date equal +0.05, different -0.15. Scores are capped at 0.99; candidates
under ``MIN_SCORE`` are dropped; each row keeps its best ``TOP`` households.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from rapidfuzz import fuzz, utils

from geo import identity

TOP = 3
MIN_SCORE = 0.5
SAME_NAME = 0.85
SAME_HEAD = 0.90
NAMESAKE = 0.12
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


@dataclass(frozen=True)
class Variants:
    """Near-miss numbers of several source numbers, as parallel sequences."""

    source: np.ndarray  # index of the source number each variant comes from
    numbers: list[str]
    reasons: list[str]


def identity_variants(numbers: Sequence[str], kind: str) -> Variants:
    """Every *valid* number one digit off (16 x 9) or with two different neighbouring digits
    swapped (up to 15) of each 16-digit NIK (``kind`` "nik") or No. KK ("kk"), built as one
    digit array (about 150 variants a number, 1,000 numbers in a few milliseconds)."""
    if not numbers:
        return Variants(np.zeros(0, dtype=np.int64), [], [])
    digits = np.frombuffer("".join(numbers).encode("ascii"), dtype=np.uint8)
    digits = digits.reshape(len(numbers), 16)
    slots = np.arange(16 * 9)
    position, step = slots // 9, slots % 9 + 1
    one = np.repeat(digits[:, None, :], len(slots), axis=1)
    one[:, slots, position] = (one[:, slots, position] - 48 + step) % 10 + 48
    left = np.arange(15)
    swapped = np.repeat(digits[:, None, :], 15, axis=1)
    swapped[:, left, left] = digits[:, left + 1]
    swapped[:, left, left + 1] = digits[:, left]
    differs = (digits[:, :15] != digits[:, 1:]).ravel()
    rows = np.concatenate([one.reshape(-1, 16), swapped.reshape(-1, 16)[differs]])
    source = np.concatenate([np.repeat(np.arange(len(numbers)), len(slots)),
                             np.repeat(np.arange(len(numbers)), 15)[differs]])
    reasons = np.array([f"{kind}_satu_digit"] * (len(numbers) * len(slots))
                       + [f"{kind}_tertukar"] * int(differs.sum()))
    text = rows.view("S16").ravel().astype("U16").tolist()
    valid = (identity.surely_valid_niks if kind == "nik" else identity.surely_valid_kks)(text)
    return Variants(source[valid], [t for t, ok in zip(text, valid, strict=True) if ok],
                    reasons[valid].tolist())


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


def score_birth(person: Person, sim: float) -> tuple[float, list[str]] | None:
    """Same name (``sim`` >= ``SAME_NAME``) and birth date, same kecamatan, no number hit."""
    if sim < SAME_NAME:
        return None
    return 0.45 + 0.5 * sim, ["nama_tanggal_lahir"]


def score_head(sim: float, namesakes: int) -> tuple[float, list[str]] | None:
    """A No. KK nobody has, its head's name (``sim`` >= ``SAME_HEAD``) in the KK's kecamatan;
    ``namesakes``: how many heads there pass that bar. A name shared by several heads says
    little about which one it is: each other namesake costs ``NAMESAKE``, so two share a
    lower score and four or more fall under ``MIN_SCORE``."""
    if sim < SAME_HEAD:
        return None
    return 0.30 + 0.4 * sim - NAMESAKE * (namesakes - 1), ["kk_berubah_nama_kepala"]


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
