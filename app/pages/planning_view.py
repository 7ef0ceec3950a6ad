"""What the Perencanaan templates show, from the rollout services: the ranking rows with their
score components, the area choices, the pilot form, and the small map's layers and legend."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection

from app.pages.planning_query import RankingQuery
from app.principal import Principal
from app.services.maps import filter_choices
from app.services.rollout import (
    PilotRequest,
    RolloutView,
    area_figures,
    priorities,
    priority_out,
)
from app.services.rollout.output import PILOT_OUTLINE, WAVE_COLOURS
from app.services.wilayah import list_wilayah
from geo.io import validation

PILOT_FIELDS = ("seed", "batas", "anggaran", "biaya", "jumlah_wilayah")
MAP_TOLERANCE = 0.0002  # degrees (~20 m): a small map needs no more detail


def view_for(conn: Connection, principal: Principal, q: RankingQuery) -> RolloutView:
    """How the ranking's figures reach ``principal`` (protected for roles without person
    access: ``app.services.rollout.RolloutView`` over the coverage publication)."""
    return RolloutView(conn, principal, q.ref_date, q.desil_max)


def ranking_table(conn: Connection, principal: Principal, q: RankingQuery
                  ) -> list[dict[str, Any]]:
    """Every ranked area as the API shows it, with its components by name."""
    rows = []
    view = view_for(conn, principal, q)
    for p in priorities(conn, q.scope(principal), q.weights):
        row = priority_out(p, principal, view, q.line)
        row["komponen"] = {c["nama"]: c for c in row["komponen"]}
        rows.append(row)
    return rows


def area_options(conn: Connection, principal: Principal) -> list[dict[str, str]]:
    """The kab/kota and kecamatan a ranking or a plan may be limited to, within the
    principal's area."""
    kabkota = [{"kode": r["kode"], "nama": r["nama"]}
               for r in list_wilayah(conn, "kabkota", None, principal.area_prefixes)]
    kecamatan = [{"kode": k["kode"], "nama": f"Kec. {k['nama']}"}
                 for k in filter_choices(conn, principal)["kecamatan"]]
    return kabkota + kecamatan


def kecamatan_names(conn: Connection, principal: Principal) -> dict[str, str]:
    return {k["kode"]: k["nama"] for k in filter_choices(conn, principal)["kecamatan"]}


def editor_areas(conn: Connection, principal: Principal, q: RankingQuery
                 ) -> list[dict[str, Any]]:
    """The kelurahan/desa a wave may take, grouped by kecamatan, each with its targets and gap
    at the plan's reference date (suppressed like the ranking for other roles)."""
    names = kecamatan_names(conn, principal)
    groups: dict[str, dict[str, Any]] = {}
    view = view_for(conn, principal, q)
    for f in area_figures(conn, q.scope(principal), ranking=False):
        code = f.kode.rsplit(".", 1)[0]
        group = groups.setdefault(code, {"kode": code, "nama": names.get(code, code),
                                         "wilayah": []})
        shown = view.area_row(f.kode, {"sasaran": f.targets, "kesenjangan": f.gap})
        group["wilayah"].append({"kode": f.kode, "nama": f.nama, **shown})
    return list(groups.values())


def pilot_request(params: Mapping[str, Any], q: RankingQuery
                  ) -> tuple[PilotRequest, dict[str, str], dict[str, str]]:
    """The pilot form (seed, household cap, budget, cost per household, most areas) read
    into a ``PilotRequest``; without any limit the cluster takes at most 3 areas."""
    form = {k: str(params.get(k) or "").strip() for k in PILOT_FIELDS}
    if not any(form[k] for k in ("batas", "anggaran", "jumlah_wilayah")):
        form["jumlah_wilayah"] = "3"
    errors: dict[str, str] = {}
    cap = _checked(validation.integer_in(form["batas"], 0), "batas", errors)
    budget = _checked(validation.decimal_at_least(form["anggaran"]), "anggaran", errors)
    cost = _checked(validation.decimal_at_least(form["biaya"], Decimal("0.01")), "biaya", errors)
    most = _checked(validation.integer_in(form["jumlah_wilayah"], 1, 500), "jumlah_wilayah",
                    errors)
    if budget is not None and cost is None and "biaya" not in errors:
        errors["biaya"] = "Isi biaya per rumah tangga untuk menghitung batas dari anggaran."
    request = PilotRequest(seed=form["seed"] or None, max_households=cap, budget=budget,
                           cost_per_household=cost, max_areas=most, weights=q.weights)
    return request, form, errors


def _checked(checked: validation.Checked, key: str, errors: dict[str, str]) -> Any:
    value, problem = checked
    if problem:
        errors[key] = problem[0].upper() + problem[1:] + "."
    return value


def plan_map(parent: str | None, principal: Principal, *, codes: list[str] | None = None,
             plan_id: int | None = None, waves: list[dict[str, Any]] | None = None
             ) -> dict[str, Any]:
    """The small map's sources (boundaries, the plan's layer) and its legend."""
    area = parent or (principal.area_prefixes[0] if len(principal.area_prefixes) == 1 else None)
    query = {"level": "kelurahan", "format": "geojson", "simplify": MAP_TOLERANCE}
    if area:
        query["parent"] = area
    legend = []
    for position, wave in enumerate(waves or []):
        colour = WAVE_COLOURS[min(position, len(WAVE_COLOURS) - 1)]
        legend.append({"warna": colour, "label": f"Gelombang {wave['urutan']} "
                       f"({wave['tahun']})"})
    if any(w["percontohan"] for w in waves or []) or codes:
        legend.append({"garis": PILOT_OUTLINE, "label": "Wilayah percontohan"})
    return {
        "batas": "/api/v1/wilayah?" + urlencode(query),
        "rencana": f"/api/v1/rollout/plans/{plan_id}/geojson?simplify={MAP_TOLERANCE}"
        if plan_id is not None else "",
        "pilih": json.dumps(codes or []), "garis": PILOT_OUTLINE, "legenda": legend,
    }
