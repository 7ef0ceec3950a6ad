-- Record the digests the staged chunk is about to touch, before its upsert: the new digests of
-- every staged row, and the old digests of the households whose NIK or No. KK digest it
-- changes (their former partners must be judged again: they may no longer share anything).
-- On Citus this runs after the moved households were relocated, which keeps their digests.
INSERT INTO household_touched (nik_kepala_hash, no_kk_hash)
SELECT nik_kepala_hash, no_kk_hash FROM household_staging
UNION ALL
SELECT h.nik_kepala_hash, h.no_kk_hash
FROM household_staging s
JOIN household h ON h.id_keluarga = s.id_keluarga
WHERE h.nik_kepala_hash <> s.nik_kepala_hash OR h.no_kk_hash <> s.no_kk_hash
