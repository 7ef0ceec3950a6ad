-- The head NIK and No. KK digests an import has touched so far: those of every row it wrote
-- and the old ones of the households whose digests it changed (registry/touched.sql). Possible
-- duplicates are judged again only around these (registry/duplicates.sql).
CREATE TEMPORARY TABLE IF NOT EXISTS household_touched (
    nik_kepala_hash bytea NOT NULL,
    no_kk_hash bytea NOT NULL
) ON COMMIT DROP
