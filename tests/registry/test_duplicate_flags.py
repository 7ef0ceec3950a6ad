"""Possible duplicates are judged again, after each upsert import, around the digests it touched
only: the rule's boundaries across imports, and what an import leaves alone."""

import pytest
from household_rows import kk, nik, row, write_csv
from sqlalchemy import text

from app.services.registry import import_households, load
from app.services.wilayah import load_boundaries

KEY = b"kunci-uji"
DUPLICATE = "possible_duplicate"


@pytest.fixture
def bontang(conn, wilayah_dir):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    return conn


def run(conn, tmp_path, name, rows, bulk=None):
    return import_households(conn, write_csv(tmp_path / name, rows), key=KEY, user="uji",
                             bulk=bulk)


# A bulk upsert (a file as large as the registry) judges the whole registry instead.
BULK = pytest.mark.parametrize("bulk", [None, True], ids=["upsert", "bulk"])


def flagged(conn):
    return set(conn.execute(text(
        "SELECT id_keluarga FROM household WHERE 'possible_duplicate' = ANY (flags)")).scalars())


def set_flag(conn, id_keluarga, on):
    change = "array_append(flags, 'possible_duplicate')" if on else \
        "array_remove(flags, 'possible_duplicate')"
    conn.execute(text(f"UPDATE household SET flags = {change} WHERE id_keluarga = :k"),
                 {"k": id_keluarga})


@BULK
def test_a_household_left_alone_is_flagged_when_an_import_shares_its_digest(
        bontang, tmp_path, bulk):
    run(bontang, tmp_path, "a.csv", [row(1), row(2), row(3)])
    assert flagged(bontang) == set()
    # K00004 takes K00001's head NIK, K00005 K00002's No. KK: the first two are not in the file.
    second = run(bontang, tmp_path, "b.csv", [row(4, nik_kepala=nik(1)), row(5, no_kk=kk(2))],
                 bulk)
    assert flagged(bontang) == {"K00001", "K00002", "K00004", "K00005"}
    assert second.flags[DUPLICATE] == 2  # the batch's own: K00004 and K00005


@BULK
def test_an_import_that_ends_the_sharing_unflags_both_sides(bontang, tmp_path, bulk):
    run(bontang, tmp_path, "a.csv", [row(1), row(2, nik_kepala=nik(1)), row(3),
                                     row(4, no_kk=kk(3)), row(5)])
    assert flagged(bontang) == {"K00001", "K00002", "K00003", "K00004"}
    # K00002 and K00004 get digests of their own: K00001 and K00003, not in the file, no longer
    # share anything (their partners' former digests are judged again).
    fix = run(bontang, tmp_path, "fix.csv", [row(2), row(4)], bulk)
    assert (fix.updated, fix.flags[DUPLICATE]) == (2, 0)
    assert flagged(bontang) == set()


def test_an_update_onto_an_untouched_households_digest_flags_both(bontang, tmp_path):
    run(bontang, tmp_path, "a.csv", [row(1), row(2), row(3)])
    moved = run(bontang, tmp_path, "b.csv", [row(3, no_kk=kk(1))])
    assert (moved.updated, moved.flags[DUPLICATE]) == (1, 1)
    assert flagged(bontang) == {"K00001", "K00003"}
    # and back: K00003 takes K00002's head NIK instead; K00001 shares nothing any more
    run(bontang, tmp_path, "c.csv", [row(3, nik_kepala=nik(2))])
    assert flagged(bontang) == {"K00002", "K00003"}


def test_a_three_way_share_keeps_the_two_left_flagged(bontang, tmp_path):
    run(bontang, tmp_path, "a.csv", [row(1), row(2, nik_kepala=nik(1)),
                                     row(3, nik_kepala=nik(1))])
    assert flagged(bontang) == {"K00001", "K00002", "K00003"}
    run(bontang, tmp_path, "b.csv", [row(3)])
    assert flagged(bontang) == {"K00001", "K00002"}


def test_a_household_still_sharing_its_other_digest_stays_flagged(bontang, tmp_path):
    # K00001 shares its head NIK with K00002 and its No. KK with K00003.
    run(bontang, tmp_path, "a.csv", [row(1), row(2, nik_kepala=nik(1)), row(3, no_kk=kk(1))])
    assert flagged(bontang) == {"K00001", "K00002", "K00003"}
    # K00003 leaves the No. KK; K00001 is judged again through it and keeps its flag through
    # the head NIK, which the import did not touch.
    run(bontang, tmp_path, "b.csv", [row(3)])
    assert flagged(bontang) == {"K00001", "K00002"}


def test_households_sharing_nothing_with_the_import_keep_their_flag_as_it_is(
        bontang, tmp_path):
    run(bontang, tmp_path, "a.csv", [row(1), row(2, nik_kepala=nik(1)), row(3), row(4)])
    assert flagged(bontang) == {"K00001", "K00002"}
    # Flags edited by hand: an import that touches none of their digests does not judge them
    # again (the documented price of judging only around the import).
    set_flag(bontang, "K00003", True)
    set_flag(bontang, "K00002", False)
    run(bontang, tmp_path, "b.csv", [row(4, desil="7"), row(5)])
    assert flagged(bontang) == {"K00001", "K00003"}
    # An import touching K00001's head NIK judges both of its households again; K00003 stays.
    run(bontang, tmp_path, "c.csv", [row(6, nik_kepala=nik(1))])
    assert flagged(bontang) == {"K00001", "K00002", "K00003", "K00006"}


def test_the_registry_is_counted_no_further_than_asked(bontang, tmp_path):
    run(bontang, tmp_path, "a.csv", [row(i) for i in range(1, 6)])
    assert [load.household_count(bontang, at_most=n) for n in (0, 1, 4, 5, 6, 100)] == \
        [0, 1, 4, 5, 5, 5]


@BULK
def test_a_household_loaded_without_a_batch_is_judged_like_any_other(bontang, tmp_path, bulk):
    # Households written outside an import (the benchmark data set, a migration) have no
    # batch: an import sharing their digest flags them, and counts only its own.
    run(bontang, tmp_path, "a.csv", [row(1), row(2)])
    bontang.execute(text("UPDATE household SET batch_id = NULL"))
    second = run(bontang, tmp_path, "b.csv", [row(3, nik_kepala=nik(1)), row(4, no_kk=kk(2))],
                 bulk)
    assert flagged(bontang) == {"K00001", "K00002", "K00003", "K00004"}
    assert second.flags[DUPLICATE] == 2
