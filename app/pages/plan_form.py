"""The plan editor's form: what the planner typed, read back into a ``PlanInput`` with one
Indonesian message per field, and the form state to show again (the editor is a plain HTML
form: adding or removing a wave is a POST that re-renders it).

Field names: ``nama``, ``deskripsi``, ``wilayah_induk``, ``tanggal_acuan``, ``desil_maks``,
``garis_kemiskinan``, ``bobot_<component>`` (percent points), ``jumlah_gelombang`` and per wave
``g<i>_tahun``, ``g<i>_biaya``, ``g<i>_porsi`` (percent of the gap), ``g<i>_wilayah``
(repeated), ``g<i>_percontohan``. Amounts are read the Indonesian way (``2.500.000``, ``60,5``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from app.services.rollout import PlanInput, WaveInput
from geo.errors import SasaranError
from geo.io import validation
from geo.rollout import COMPONENTS, DEFAULT_WEIGHTS

MAX_WAVES = 12
HUNDRED = Decimal(100)


@dataclass
class WaveState:
    tahun: str = ""
    biaya: str = ""
    porsi: str = "100"
    wilayah: list[str] = field(default_factory=list)
    percontohan: bool = False


@dataclass
class PlanForm:
    """The editor's fields as text (what to show again) and their messages."""

    nama: str = ""
    deskripsi: str = ""
    wilayah_induk: str = ""
    tanggal_acuan: str = ""
    desil_maks: str = "4"
    garis_kemiskinan: str = ""
    bobot: dict[str, str] = field(default_factory=lambda: {
        k: _points(v) for k, v in DEFAULT_WEIGHTS.items()})
    gelombang: list[WaveState] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_plan(cls, plan: dict[str, Any]) -> PlanForm:
        """The form of a stored plan (``get_plan``'s answer)."""
        weights = {**DEFAULT_WEIGHTS, **(plan.get("bobot") or {})}
        return cls(
            nama=plan["nama"], deskripsi=plan["deskripsi"] or "",
            wilayah_induk=plan["wilayah_induk"] or "",
            tanggal_acuan=plan["tanggal_acuan"].isoformat() if plan["tanggal_acuan"] else "",
            desil_maks=str(plan["desil_maks"]),
            garis_kemiskinan=_plain(plan["garis_kemiskinan"]),
            bobot={k: _points(weights[k]) for k in COMPONENTS},
            gelombang=[WaveState(str(w["tahun"]), _plain(w["biaya_per_rumah_tangga"]),
                                 _plain(Decimal(w["porsi_kesenjangan"]) * HUNDRED),
                                 list(w["wilayah"]), bool(w["percontohan"]))
                       for w in plan["gelombang"]],
        )

    @classmethod
    def from_post(cls, form: Any) -> PlanForm:
        """The state as posted (``form`` is Starlette's ``FormData``)."""
        count = _count(form.get("jumlah_gelombang"))
        return cls(
            nama=_get(form, "nama"), deskripsi=_get(form, "deskripsi"),
            wilayah_induk=_get(form, "wilayah_induk"),
            tanggal_acuan=_get(form, "tanggal_acuan"), desil_maks=_get(form, "desil_maks"),
            garis_kemiskinan=_get(form, "garis_kemiskinan"),
            bobot={k: _get(form, f"bobot_{k}") for k in COMPONENTS},
            gelombang=[WaveState(_get(form, f"g{i}_tahun"), _get(form, f"g{i}_biaya"),
                                 _get(form, f"g{i}_porsi"),
                                 [str(v) for v in form.getlist(f"g{i}_wilayah")],
                                 bool(form.get(f"g{i}_percontohan")))
                       for i in range(1, count + 1)],
        )

    def add_wave(self) -> None:
        if len(self.gelombang) >= MAX_WAVES:
            self.errors["gelombang"] = f"Paling banyak {MAX_WAVES} gelombang."
            return
        last = self.gelombang[-1] if self.gelombang else None
        year = str(int(last.tahun) + 1) if last and last.tahun.isdigit() else ""
        self.gelombang.append(WaveState(tahun=year, biaya=last.biaya if last else ""))

    def remove_wave(self, number: int) -> None:
        if 1 <= number <= len(self.gelombang):
            del self.gelombang[number - 1]

    def assigned(self) -> dict[str, int]:
        """Area code -> the wave (1-based) it is in (the editor marks it in the others)."""
        return {k: i for i, w in enumerate(self.gelombang, start=1) for k in w.wilayah}

    def to_input(self) -> PlanInput | None:
        """The plan to save, or None with ``errors`` filled (one message per field)."""
        errors = self.errors
        if not self.nama.strip():
            errors["nama"] = "Nama rencana wajib diisi."
        elif len(self.nama.strip()) > 200:
            errors["nama"] = "Nama rencana paling panjang 200 karakter."
        ref = _date(self.tanggal_acuan, "tanggal_acuan", errors)
        desil = _value(validation.integer_in(self.desil_maks, 1, 10), "desil_maks", errors,
                       required=True)
        line = _value(validation.decimal_at_least(self.garis_kemiskinan, Decimal("0.01")),
                      "garis_kemiskinan", errors)
        weights = {k: _value(validation.decimal_at_least(self.bobot.get(k, ""), Decimal(0),
                                                         HUNDRED), f"bobot_{k}", errors)
                   for k in COMPONENTS}
        waves = [self._wave(i, w) for i, w in enumerate(self.gelombang, start=1)]
        if not self.gelombang:
            errors["gelombang"] = "Tambahkan setidaknya satu gelombang."
        if errors:
            return None
        return PlanInput(
            nama=self.nama.strip(), deskripsi=self.deskripsi.strip() or None,
            wilayah_induk=self.wilayah_induk or None, tanggal_acuan=ref, desil_maks=desil,
            garis_kemiskinan=line,
            bobot={k: float(v) / 100 for k, v in weights.items() if v is not None},
            gelombang=[w for w in waves if w is not None],
        )

    def _wave(self, i: int, wave: WaveState) -> WaveInput | None:
        year = _value(validation.integer_in(wave.tahun, 2000, 2100), f"g{i}_tahun",
                      self.errors, required=True)
        cost = _value(validation.decimal_at_least(wave.biaya), f"g{i}_biaya", self.errors,
                      required=True)
        share = _value(validation.decimal_at_least(wave.porsi, Decimal(0), HUNDRED),
                       f"g{i}_porsi", self.errors, required=True)
        if not wave.wilayah:
            self.errors[f"g{i}_wilayah"] = "Pilih setidaknya satu kelurahan/desa."
        if year is None or cost is None or share is None or not wave.wilayah:
            return None
        return WaveInput(i, year, cost, share / HUNDRED, list(wave.wilayah), wave.percontohan)

    def place_error(self, exc: SasaranError) -> None:
        """Put a service's refusal next to the field it concerns (else at the top)."""
        details = exc.details if isinstance(exc.details, dict) else {}
        codes = details.get("kode")
        codes = [codes] if isinstance(codes, str) else codes or []
        waves = {k: i for i, w in enumerate(self.gelombang, start=1) for k in w.wilayah}
        if details.get("kolom") in ("nama", "desil_maks") or "nama" in details:
            self.errors[details.get("kolom") or "nama"] = exc.message
        elif "bobot" in details and isinstance(details["bobot"], str):
            self.errors[f"bobot_{details['bobot']}"] = exc.message
        elif codes and any(k in waves for k in codes):
            for number in sorted({waves[k] for k in codes if k in waves}):
                self.errors[f"g{number}_wilayah"] = exc.message
        elif isinstance(details.get("urutan"), int):
            self.errors[f"g{details['urutan']}_porsi"] = exc.message
        else:
            self.errors["umum"] = exc.message


def _get(form: Any, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _count(raw: Any) -> int:
    text = raw.strip() if isinstance(raw, str) else ""
    return min(int(text), MAX_WAVES) if text.isdigit() else 0


def _points(weight: float) -> str:
    """A weight as percent points for the form: ``0.3`` -> ``30``."""
    return _plain(Decimal(str(weight)) * HUNDRED)


def _plain(value: Any) -> str:
    """A number as typed back into a field: no exponent, no trailing zeros, Indonesian
    decimal comma (``2500000``, ``60``, ``12,5``)."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def _date(text: str, key: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[key] = "Tanggal tidak sah; tulis seperti 2026-11-30."
        return None


def _value(checked: validation.Checked, key: str, errors: dict[str, str], *,
           required: bool = False) -> Any:
    value, problem = checked
    if problem:
        errors[key] = problem[0].upper() + problem[1:] + "."
    elif value is None and required:
        errors[key] = "Wajib diisi."
    return value
