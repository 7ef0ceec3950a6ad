"""The role x endpoint matrix, built from the app's own route table: every route must have an
expectation for every role (a new route without one fails here), and every cell is checked.

Also: area scoping reaches totals. Every GET answered to an analyst of 64.74 (and a viewer
scoped to 64.74) must be byte-for-byte the same before and after Balikpapan (64.71)
households are added: data outside the area may not move any figure.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from access_requests import (
    a_plan,
    a_program,
    a_saved_profile,
    a_suggestion,
    agency_body,
    an_area,
    area_tile,
    changed_plan,
    changed_plan_form,
    check_body,
    crosswalk_file,
    empty_agency,
    enrollment_file,
    enrollment_preview,
    first_batch,
    first_batch_page,
    first_batch_report,
    household_tile,
    household_upload,
    login_form,
    new_account,
    new_plan,
    no_such_job,
    no_such_result,
    nothing,
    one_household,
    pasted_numbers,
    pilot,
    pilot_page,
    pkh_enrollment_batch,
    plan_form,
    plan_page,
    poverty_line,
    profile_body,
    program_body,
    program_file,
    staged_households,
    static_asset,
    table_download,
)
from access_world import (
    ANALYST_AREA,
    World,
    add_balikpapan,
    app_routes,
    build_world,
    leaf_routes,
)
from conftest import app_on
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from suppression_attack import honest

from app.main import create_app
from app.services.access import users
from app.settings import Settings

OK, DENY = "ok", "deny"
PASSWORD = "kata-sandi-uji-yang-panjang"
LOGIN_FORMS = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout")}
ROLES: dict[str, dict[str, Any]] = {
    "admin": {},
    "analyst": {"area_prefixes": ANALYST_AREA},
    "agency": {"agency": "DINSOS"},
    "viewer": {},
}
EVERYONE = dict.fromkeys(ROLES, OK)
PERSONS = {"admin": OK, "analyst": OK, "agency": DENY, "viewer": DENY}
Request = Callable[[World, Any], dict[str, Any]]


@dataclass
class Case:
    """Expected answer per role (``ok`` = 2xx/3xx, ``deny`` = 403, or an exact status), the
    status without credentials, and how to build a valid request."""

    roles: dict[str, Any]
    anonymous: int
    request: Request = nothing
    audit: str | None = None  # the audit action of a person-returning read
    extra: dict[str, Any] = field(default_factory=dict)



ADMIN_ONLY = {"admin": OK, "analyst": DENY, "agency": DENY, "viewer": DENY}
CHECKERS = {"admin": OK, "analyst": OK, "agency": OK, "viewer": DENY}
EDITORS = PERSONS  # rollout plans: admin and analyst change them, everyone reads them
UPLOADERS = {"admin": OK, "analyst": OK, "agency": OK, "viewer": DENY}
PLAN_READERS = {"admin": OK, "analyst": OK, "agency": DENY, "viewer": OK}
NOT_FOUND = dict.fromkeys(ROLES, 404)
EXPECTATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/healthz"): Case(EVERYONE, 200),
    # Pages (issue 14): "/" sends each role to its start page.
    ("GET", "/"): Case(EVERYONE, 303, extra={"ok": 303}),
    ("GET", "/beranda"): Case(EVERYONE, 303),
    ("GET", "/tabel"): Case(EVERYONE, 303),
    ("GET", "/tabel/unduh"): Case(EVERYONE, 303, table_download, audit="coverage.export"),
    ("GET", "/pengguna"): Case(ADMIN_ONLY, 303),
    # A page's form answers its success with 303 to the page (post/redirect/get).
    ("POST", "/pengguna"): Case(ADMIN_ONLY, 303, new_account, audit="user.add",
                                extra={"ok": 303}),
    ("GET", "/pengguna/audit"): Case(ADMIN_ONLY, 303),
    ("GET", "/pengguna/audit.csv"): Case(ADMIN_ONLY, 303, audit="audit.export"),
    ("GET", "/login"): Case(EVERYONE, 200),
    ("POST", "/login"): Case(dict.fromkeys(ROLES, 403), 403, login_form),  # no form token: refused
    ("POST", "/logout"): Case(EVERYONE, 303, extra={"ok": 303}),
    ("GET", "/openapi.json"): Case(EVERYONE, 200),
    ("GET", "/docs"): Case(EVERYONE, 200),
    ("GET", "/docs/oauth2-redirect"): Case(EVERYONE, 200),
    ("GET", "/redoc"): Case(EVERYONE, 200),
    ("GET", "/api/v1/me"): Case(EVERYONE, 401),
    ("GET", "/api/v1/wilayah"): Case(EVERYONE, 401),
    ("GET", "/api/v1/households"): Case(PERSONS, 401, audit="household.list"),
    ("GET", "/api/v1/households/{id_keluarga}"): Case(PERSONS, 401, one_household,
                                                       audit="household.read"),
    ("POST", "/api/v1/imports/households"): Case(PERSONS, 401, household_upload,
                                                 audit="household.import"),
    ("GET", "/api/v1/imports/{batch}"): Case(PERSONS, 401, first_batch),
    # The first batch was uploaded by uji-admin: an area-bound analyst reads only their own.
    ("GET", "/api/v1/imports/{batch}/rejected"): Case(ADMIN_ONLY, 401, first_batch,
                                                      audit="import.rejected.read"),
    # The map page: persons (household points) only for admin/analyst, H3 aggregates otherwise.
    ("GET", "/map"): Case(EVERYONE, 303, audit="map.household_points",
                          extra={"audit_roles": ("admin", "analyst")}),
    ("GET", "/api/v1/map/figures"): Case(EVERYONE, 401),
    ("GET", "/api/v1/map/programs"): Case(EVERYONE, 401),
    ("GET", "/api/v1/map/hexagons"): Case(EVERYONE, 401),
    # The map picture and the PDF report: figures, suppressed for the others.
    ("GET", "/api/v1/map/image.png"): Case(EVERYONE, 401),
    ("GET", "/api/v1/map/report.pdf"): Case(EVERYONE, 401),
    # One area's panel: its poorest gap households only for admin/analyst (audited).
    ("GET", "/api/v1/map/areas/{kode}"): Case(EVERYONE, 401, an_area,
                                              audit="map.gap_households",
                                              extra={"audit_roles": ("admin", "analyst")}),
    ("GET", "/tiles/{layer}/{z}/{x}/{y}.pbf"): Case(PERSONS, 401, household_tile),
    # Area aggregates (the area table's rows at label points), suppressed for non-persons.
    ("GET", "/tiles/areas/{z}/{x}/{y}.pbf"): Case(EVERYONE, 401, area_tile),
    ("MOUNT", "/static"): Case(EVERYONE, 200, static_asset),  # the page's own JS/CSS: public
    # Rollout planning: figures (suppressed for agency/viewer), no person.
    ("GET", "/api/v1/rollout/priorities"): Case(EVERYONE, 401),
    ("POST", "/api/v1/rollout/pilot"): Case(EVERYONE, 401, pilot),
    ("GET", "/api/v1/rollout/plans"): Case(EVERYONE, 401),
    ("POST", "/api/v1/rollout/plans"): Case(EDITORS, 401, new_plan, audit="rollout_plan.create"),
    ("GET", "/api/v1/rollout/plans/{plan_id}"): Case(EVERYONE, 401, a_plan),
    ("PUT", "/api/v1/rollout/plans/{plan_id}"): Case(EDITORS, 401, changed_plan,
                                                     audit="rollout_plan.update"),
    ("DELETE", "/api/v1/rollout/plans/{plan_id}"): Case(EDITORS, 401, a_plan,
                                                        audit="rollout_plan.delete"),
    ("GET", "/api/v1/rollout/plans/{plan_id}/projection"): Case(EVERYONE, 401, a_plan),
    ("GET", "/api/v1/rollout/plans/{plan_id}/export.xlsx"): Case(EVERYONE, 401, a_plan,
                                                                 audit="rollout_plan.export"),
    ("GET", "/api/v1/rollout/plans/{plan_id}/geojson"): Case(EVERYONE, 401, a_plan),
    # Agencies and programs: read by all, written by admins.
    ("GET", "/api/v1/agencies"): Case(EVERYONE, 401),
    ("PUT", "/api/v1/agencies/{kode}"): Case(ADMIN_ONLY, 401, agency_body, audit="agency.write"),
    ("DELETE", "/api/v1/agencies/{kode}"): Case(ADMIN_ONLY, 401, empty_agency,
                                                audit="agency.delete"),
    ("GET", "/api/v1/programs"): Case(EVERYONE, 401),
    ("GET", "/api/v1/programs/{kode}"): Case(EVERYONE, 401, a_program),
    ("PUT", "/api/v1/programs/{kode}"): Case(ADMIN_ONLY, 401, program_body,
                                             audit="program.write"),
    ("DELETE", "/api/v1/programs/{kode}"): Case(ADMIN_ONLY, 401, a_program,
                                                audit="program.delete"),
    ("POST", "/api/v1/programs/import"): Case(ADMIN_ONLY, 401, program_file,
                                              audit="program.import"),
    # Coverage figures for all (suppressed for agency/viewer); lists of persons audited.
    ("GET", "/api/v1/coverage"): Case(EVERYONE, 401),
    ("GET", "/api/v1/coverage/total"): Case(EVERYONE, 401),
    ("GET", "/api/v1/coverage/programs"): Case(EVERYONE, 401),
    ("GET", "/api/v1/coverage/agencies"): Case(EVERYONE, 401),
    ("GET", "/api/v1/coverage/overlap"): Case(EVERYONE, 401),
    ("GET", "/api/v1/coverage/gaps"): Case(PERSONS, 401, audit="coverage.gap_list"),
    ("GET", "/api/v1/coverage/leakage"): Case(PERSONS, 401, audit="coverage.leakage_list"),
    ("GET", "/api/v1/coverage/export"): Case(EVERYONE, 401, audit="coverage.export"),
    ("POST", "/api/v1/coverage/check"): Case(CHECKERS, 401, check_body, audit="coverage.check"),
    ("POST", "/api/v1/enrollments/import"): Case(CHECKERS, 401, enrollment_file,
                                                 audit="enrollment.import"),
    ("GET", "/api/v1/enrollments/unmatched"): Case(CHECKERS, 401,
                                                   audit="enrollment.unmatched"),
    # DINSOS's own PKH upload: its agency and admins; an area-bound analyst only an own upload.
    ("GET", "/api/v1/enrollments/batches/{batch}/rejected"): Case(
        {**ADMIN_ONLY, "agency": OK}, 401, pkh_enrollment_batch,
        audit="enrollment.rejected.read"),
    ("GET", "/api/v1/poverty"): Case(EVERYONE, 401, poverty_line),
    # Cek penerima: the check's roles, audit and rate limit; a result only for who made it.
    ("GET", "/cek"): Case(CHECKERS, 303),
    ("POST", "/cek"): Case(CHECKERS, 303, pasted_numbers, audit="coverage.check"),
    ("GET", "/cek/hasil/{token}.{fmt}"): Case(NOT_FOUND | {"viewer": DENY}, 303, no_such_result),
    # Unggah data: the form for uploaders; households for admin/analyst only (the agency's
    # choice is refused next to its field); a staged job only for its owner (else 404).
    ("GET", "/unggah"): Case(UPLOADERS, 303),
    ("POST", "/unggah"): Case({"admin": 303, "analyst": 303, "agency": 422, "viewer": DENY},
                              303, staged_households),
    ("GET", "/unggah/{job_id}"): Case(NOT_FOUND | {"viewer": DENY}, 303, no_such_job),
    ("POST", "/unggah/{job_id}"): Case(NOT_FOUND | {"viewer": DENY}, 303, no_such_job),
    ("GET", "/unggah/{job_id}/status"): Case(NOT_FOUND | {"viewer": DENY}, 303, no_such_job),
    # A batch page and its report: the rules of /api/v1/imports/{batch}/rejected.
    ("GET", "/unggah/batch/{batch_id}"): Case(ADMIN_ONLY, 303, first_batch_page),
    ("GET", "/unggah/batch/{batch_id}/ditolak.{fmt}"): Case(
        ADMIN_ONLY, 303, first_batch_report, audit="import.rejected.export"),
    ("GET", "/unggah/batch/{batch_id}/peringatan.csv"): Case(
        ADMIN_ONLY, 303, first_batch_page, audit="import.warnings.export"),
    # Perencanaan: read by admin, analyst and viewer (suppressed); changed by admin/analyst.
    ("GET", "/perencanaan"): Case(PLAN_READERS, 303),
    ("GET", "/perencanaan/percontohan"): Case(
        PLAN_READERS, 303, pilot_page, audit="rollout.pilot_households",
        extra={"audit_roles": ("admin", "analyst")}),
    ("GET", "/perencanaan/rencana/{plan_id}"): Case(PLAN_READERS, 303, plan_page),
    ("GET", "/perencanaan/rencana/{plan_id}/ekspor.xlsx"): Case(
        PLAN_READERS, 303, plan_page, audit="rollout_plan.export"),
    ("GET", "/perencanaan/rencana/baru"): Case(PERSONS, 303),
    ("POST", "/perencanaan/rencana/baru"): Case(PERSONS, 303, plan_form,
                                                audit="rollout_plan.create", extra={"ok": 303}),
    ("GET", "/perencanaan/rencana/{plan_id}/ubah"): Case(PERSONS, 303, plan_page),
    ("POST", "/perencanaan/rencana/{plan_id}/ubah"): Case(
        PERSONS, 303, changed_plan_form, audit="rollout_plan.update", extra={"ok": 303}),
    ("POST", "/perencanaan/rencana/{plan_id}/hapus"): Case(
        PERSONS, 303, plan_page, audit="rollout_plan.delete", extra={"ok": 303}),
    # Warnings of an accepted row: row, column, reason (no person); read like rejected rows.
    ("GET", "/api/v1/imports/{batch}/warnings"): Case(ADMIN_ONLY, 401, first_batch),
    # Match suggestions: the officer of the program's agency and admins/analysts (names only
    # for them), in their area; each look and each decision audited.
    ("GET", "/api/v1/enrollments/suggestions"): Case(CHECKERS, 401,
                                                     audit="enrollment.suggestion.read"),
    ("POST", "/api/v1/enrollments/suggestions/{suggestion_id}/confirm"): Case(
        CHECKERS, 401, a_suggestion, audit="enrollment.suggestion.confirm"),
    ("POST", "/api/v1/enrollments/suggestions/{suggestion_id}/reject"): Case(
        CHECKERS, 401, a_suggestion, audit="enrollment.suggestion.reject"),
    # Column profiles: read and previewed by whoever uploads; saved by registry roles; the BPS
    # crosswalk loaded by admins.
    ("GET", "/api/v1/profiles"): Case(CHECKERS, 401),
    ("PUT", "/api/v1/profiles"): Case(EDITORS, 401, profile_body, audit="profile.save"),
    ("DELETE", "/api/v1/profiles/{nama}"): Case(EDITORS, 401, a_saved_profile,
                                                 audit="profile.delete"),
    ("POST", "/api/v1/profiles/preview"): Case(CHECKERS, 401, enrollment_preview),
    ("POST", "/api/v1/profiles/crosswalk"): Case(ADMIN_ONLY, 401, crosswalk_file,
                                                 audit="crosswalk.load"),
    # The Saran kecocokan page: the same rules and audit as the API above; a decision is a form
    # post answered by a redirect back to the list.
    ("GET", "/saran"): Case(CHECKERS, 303, audit="enrollment.suggestion.read"),
    ("POST", "/saran/{suggestion_id}/konfirmasi"): Case(
        CHECKERS, 303, a_suggestion, audit="enrollment.suggestion.confirm", extra={"ok": 303}),
    ("POST", "/saran/{suggestion_id}/tolak"): Case(
        CHECKERS, 303, a_suggestion, audit="enrollment.suggestion.reject", extra={"ok": 303}),
}


def _route_table() -> set[tuple[str, str]]:
    # Building the app opens no connection; the table is read at collection time.
    settings = Settings(database_url="postgresql+psycopg://x@/x", secret_key="x" * 40)
    return app_routes(create_app(settings, engine=create_engine(settings.database_url or "")))


ROUTES = sorted(_route_table())


def test_every_route_has_an_expectation_for_every_role():
    missing = [r for r in ROUTES if r not in EXPECTATIONS]
    stale = [r for r in EXPECTATIONS if r not in ROUTES]
    assert not missing, f"routes without an access expectation: {missing}"
    assert not stale, f"expectations for routes that no longer exist: {stale}"
    assert all(set(case.roles) == set(ROLES) for case in EXPECTATIONS.values())


@pytest.fixture
def world(conn, settings, wilayah_dir, tmp_path) -> World:
    return build_world(conn, settings, wilayah_dir, tmp_path)


def call(client, route: tuple[str, str], world: World, tmp: Any):
    method, path = route
    spec = EXPECTATIONS[route].request(world, tmp)
    url = spec.get("url") or path.format(**spec.get("path", {}))
    method = "GET" if method == "MOUNT" else method
    return client.request(method, url, params=spec.get("params"), json=spec.get("json"),
                          files=spec.get("files"), data=spec.get("data"),
                          follow_redirects=False)


def success_status(route: tuple[str, str]) -> int:
    """The status an allowed request gets: the route's declared one (201 for a plan created,
    204 for one deleted, 303 for a redirect), ``extra["ok"]`` when the case says otherwise."""
    case = EXPECTATIONS[route]
    if "ok" in case.extra:
        return int(case.extra["ok"])
    return DECLARED.get(route, 200)


def _declared() -> dict[tuple[str, str], int]:
    settings = Settings(database_url="postgresql+psycopg://x@/x", secret_key="x" * 40)
    app = create_app(settings, engine=create_engine(settings.database_url or ""))
    out = {}
    for route in leaf_routes(app):
        code = getattr(route, "status_code", None)
        for method in getattr(route, "methods", None) or ():
            if code:
                out[(method, route.path)] = int(code)
    return out


DECLARED = _declared()


def assert_cell(expected: Any, status: int, where: str, route: tuple[str, str]) -> None:
    if expected == OK:
        exact = success_status(route)
        assert status == exact, f"{where}: expected {exact}, got {status}"
    elif expected == DENY:
        assert status == 403, f"{where}: expected 403, got {status}"
    else:
        assert status == expected, f"{where}: expected {expected}, got {status}"


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("route", [r for r in ROUTES if r in EXPECTATIONS],
                         ids="{0[0]} {0[1]}".format)
def test_role_gets_exactly_what_the_matrix_says(client_as, world, tmp_path, route, role):
    client = client_as(role, **ROLES[role])
    response = call(client, route, world, tmp_path)
    assert_cell(EXPECTATIONS[route].roles[role], response.status_code, f"{role} {route}",
                route)
    if response.status_code == 403 and route[1].startswith("/api/"):
        assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("route", [r for r in ROUTES if r in EXPECTATIONS],
                         ids="{0[0]} {0[1]}".format)
def test_request_without_credentials_gets_401_or_the_login_page(anon_client, world, tmp_path,
                                                                  route):
    response = call(anon_client, route, world, tmp_path)
    assert_cell(EXPECTATIONS[route].anonymous, response.status_code, f"anonymous {route}",
                route)


REAL = {"admin": {}, "analyst": {"areas": list(ANALYST_AREA)},
        "agency": {"agency": "DINSOS"}, "viewer": {}}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_matrix_holds_with_real_api_keys(conn, settings, engine, world, tmp_path, role):
    """The same cells, authenticated the way machine clients are (``Authorization: Bearer``,
    a real account and key), not by overriding the principal; each request is rolled back."""
    users.create_user(conn, f"nyata-{role}", role, None, **REAL[role])
    key = users.create_api_key(conn, f"nyata-{role}")
    failures = []
    with TestClient(app_on(settings, engine, conn, None), raise_server_exceptions=False) as c:
        c.headers["Authorization"] = f"Bearer {key}"
        for route in [r for r in ROUTES if r in EXPECTATIONS]:
            if route in LOGIN_FORMS:
                continue  # the login form itself: no credentials involved
            savepoint = conn.begin_nested()
            try:
                response = call(c, route, world, tmp_path)
            finally:
                savepoint.rollback()
            try:
                assert_cell(EXPECTATIONS[route].roles[role], response.status_code,
                            f"{role} {route}", route)
            except AssertionError as exc:
                failures.append(str(exc))
    assert failures == []


def test_a_real_session_login_gets_the_same_answers_as_the_matrix(conn, settings, engine,
                                                                   world, tmp_path):
    """A viewer and an analyst logged in through the web form (cookie, CSRF): every GET."""
    for role in ("viewer", "analyst"):
        users.create_user(conn, f"sesi-{role}", role, PASSWORD, **REAL[role])
        with TestClient(app_on(settings, engine, conn, None),
                        raise_server_exceptions=False) as c:
            page = c.get("/login")
            token = c.cookies.get("sasaran_login_csrf")
            assert page.status_code == 200 and token
            done = c.post("/login", data={"username": f"sesi-{role}", "password": PASSWORD,
                                          "csrf_token": token}, follow_redirects=False)
            assert done.status_code == 303, done.text
            for route in [r for r in ROUTES if r in EXPECTATIONS and r[0] == "GET"
                          and r not in LOGIN_FORMS]:
                savepoint = conn.begin_nested()
                try:
                    response = call(c, route, world, tmp_path)
                finally:
                    savepoint.rollback()
                assert_cell(EXPECTATIONS[route].roles[role], response.status_code,
                            f"{role} (sesi) {route}", route)
                assert response.headers["cache-control"] == cache_rule(route, response), route


# Asked at zoom 12 (tests/access_requests.py): area figures, not points.
AGGREGATE_TILES = {("GET", "/tiles/{layer}/{z}/{x}/{y}.pbf"),
                   ("GET", "/tiles/areas/{z}/{x}/{y}.pbf")}


def cache_rule(route: tuple[str, str], response: Any) -> str:
    """Every answer may hold person data and is no-store, except an aggregate tile."""
    if route in AGGREGATE_TILES and response.status_code == 200:
        return "private, max-age=60"
    return "no-store"


SCOPED = {"analyst": {"area_prefixes": ANALYST_AREA},
          "viewer": {"area_prefixes": ANALYST_AREA}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Pages with random element ids, and documentation, are not figures.
# The PNG and PDF are drawn from the same figures as the JSON routes checked here (and carry
# their own timestamps); tests/maps/test_report.py checks what they show.
VOLATILE = ("/login", "/logout", "/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect",
            "/map", "/api/v1/map/image.png", "/api/v1/map/report.pdf")


@pytest.mark.parametrize("role", sorted(SCOPED))
def test_data_outside_the_area_moves_no_figure(client_as, conn, settings, wilayah_dir,
                                               tmp_path, role):
    world = build_world(conn, settings, wilayah_dir, tmp_path, balikpapan=False)
    client = client_as(role, **SCOPED[role])
    gets = [r for r in ROUTES if r[0] == "GET" and r in EXPECTATIONS and r[1] not in VOLATILE
            and "{batch}" not in r[1]]
    before = {r: figures(call(client, r, world, tmp_path)) for r in gets}
    add_balikpapan(conn, world, settings, tmp_path)
    after = {r: figures(call(client, r, world, tmp_path)) for r in gets}
    changed = [r for r in gets if before[r] != after[r]]
    assert changed == [], f"figures outside {ANALYST_AREA} leak into: {changed}"


def figures(response) -> Any:
    """The response's content; for XLSX the cell values (the file itself has a timestamp)."""
    if response.headers.get("content-type", "").startswith(XLSX):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
    return response.content


def test_analyst_cannot_open_a_household_outside_the_area(client_as, world):
    client = client_as("analyst", **ROLES["analyst"])
    outside = world.in_area("64.71")[0]
    assert client.get(f"/api/v1/households/{outside}").status_code == 404
    listed = client.get("/api/v1/households", params={"limit": 500}).json()
    assert listed["total"] == len(world.in_area("64.74"))


def test_viewer_sees_counts_of_one_to_four_as_less_than_five(client_as, world):
    rows = client_as("viewer").get("/api/v1/wilayah", params={"level": "kelurahan"}).json()
    counts = {r["kode"]: r["jumlah_rumah_tangga"] for r in rows}
    expected = {}
    for code in set(world.households.values()):
        n = sum(1 for k in world.households.values() if k == code)
        expected[code] = n
    # Each count is itself, <5 or x (complementary suppression may hide more than 1-4), and
    # never a count of 1-4 in the clear.
    assert all(honest(counts[k], n) for k, n in expected.items()), (counts, expected)
    assert any(1 <= n <= 4 for n in expected.values())
    assert any(counts[k] == n and n >= 5 for k, n in expected.items())


def test_analyst_reads_the_rejected_rows_of_an_own_upload_only(client_as, world, tmp_path):
    analyst = client_as("analyst", **ROLES["analyst"])
    upload = call(analyst, ("POST", "/api/v1/imports/households"), world, tmp_path)
    own = upload.json()["batch"]["id"]
    assert analyst.get(f"/api/v1/imports/{own}/rejected").status_code == 200
    other = analyst.get(f"/api/v1/imports/{world.batches[0]}/rejected")
    assert other.status_code == 403
    assert "pengunggahnya" in other.json()["error"]["message"]


def test_analyst_reads_the_rejected_enrollment_rows_of_an_own_upload_only(client_as, world,
                                                                         tmp_path):
    analyst = client_as("analyst", **ROLES["analyst"])
    upload = call(analyst, ("POST", "/api/v1/enrollments/import"), world, tmp_path)
    assert upload.status_code == 200, upload.text
    own = upload.json()["batch"]["id"]
    assert analyst.get(f"/api/v1/enrollments/batches/{own}/rejected").status_code == 200
    other = analyst.get(f"/api/v1/enrollments/batches/{world.enrollment_batches[0]}/rejected")
    assert other.status_code == 403
    assert "pengunggahnya" in other.json()["error"]["message"]
    assert client_as("admin").get(
        f"/api/v1/enrollments/batches/{world.enrollment_batches[0]}/rejected").status_code == 200


def test_agency_cannot_touch_another_agencys_enrollments(client_as, world, tmp_path):
    dinkes = client_as("agency", agency="DINKES")
    upload = call(dinkes, ("POST", "/api/v1/enrollments/import"), world, tmp_path)  # PKH
    assert upload.status_code == 403
    batch = world.enrollment_batches[0]
    assert dinkes.get(f"/api/v1/enrollments/batches/{batch}/rejected").status_code == 403
    dinsos = client_as("agency", agency="DINSOS")
    assert dinsos.get(f"/api/v1/enrollments/batches/{batch}/rejected").status_code == 200


def test_ambiguous_enrollment_rows_are_scoped_by_their_households_kelurahan(client_as, conn,
                                                                            world):
    # A candidate household in Balikpapan behind a key whose digits say Bontang (6474): the
    # household's kelurahan decides, not the number's region digits.
    outside = world.in_area("64.71")[0]
    conn.execute(text(
        "INSERT INTO enrollment (program_id, household_id, kunci, kunci_tampil, tanggal_mulai, "
        "status, kode_kabkota) SELECT p.id, h.id, 'nik', '647403********0009', "
        "DATE '2024-01-01', 'ambiguous', h.kode_kabkota "
        "FROM program p, household h WHERE p.kode_program = 'PKH' AND h.id_keluarga = :k"),
        {"k": outside})
    listed = client_as("analyst", **ROLES["analyst"]).get("/api/v1/enrollments/unmatched")
    assert outside not in {r["id_keluarga"] for r in listed.json()}
    assert outside in {r["id_keluarga"] for r in client_as("admin").get(
        "/api/v1/enrollments/unmatched").json()}
