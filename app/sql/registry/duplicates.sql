-- Possible duplicates: different households sharing a head NIK or a No. KK digest. Both are
-- kept and flagged for verification; a household no longer sharing either loses the flag.
-- Only the households whose flag an import can have changed are judged: those holding a head
-- NIK or No. KK digest it touched (household_touched: the digests of the rows it wrote and the
-- former digests of the households it changed), so the work follows the import's size, not
-- the registry's. Into household_judged: the households whose flag changes and the batch's
-- (:batch) flagged ones (registry/flags_apply.sql writes them). A household loaded without a
-- batch is never the batch's.
WITH touched AS MATERIALIZED (
    SELECT 1 AS kind, nik_kepala_hash AS digest FROM household_touched
    UNION
    SELECT 2, no_kk_hash FROM household_touched
),
-- Through the touched CTE filtered by kind, not the temporary table: the planner, estimating
-- few rows, then probes the digest indexes (10,000 touched beside 1 M: ~0.1 s) where, knowing
-- the table's size, it chose two sequential scans of household (~0.75 s). A file as large as
-- the registry takes duplicates_all.sql.
candidate AS MATERIALIZED (
    SELECT h.kode_kabkota, h.id, h.nik_kepala_hash, h.no_kk_hash, h.batch_id,
           'possible_duplicate' = ANY (h.flags) AS flagged
    FROM household h
    WHERE h.nik_kepala_hash IN (SELECT digest FROM touched WHERE kind = 1)
    UNION
    SELECT h.kode_kabkota, h.id, h.nik_kepala_hash, h.no_kk_hash, h.batch_id,
           'possible_duplicate' = ANY (h.flags) AS flagged
    FROM household h
    WHERE h.no_kk_hash IN (SELECT digest FROM touched WHERE kind = 2)
),
-- Digests held by more than one household. Every holder of a touched digest is a candidate, so
-- those are counted among the candidates; a candidate's other digest (a partner found through
-- one digest) is counted in the registry, through its index.
shared_nik AS MATERIALIZED (
    SELECT nik_kepala_hash AS digest FROM candidate
    WHERE nik_kepala_hash IN (SELECT digest FROM touched WHERE kind = 1)
    GROUP BY nik_kepala_hash HAVING count(*) > 1
    UNION ALL
    SELECT h.nik_kepala_hash FROM household h
    WHERE h.nik_kepala_hash IN (SELECT nik_kepala_hash FROM candidate
                                EXCEPT SELECT digest FROM touched WHERE kind = 1)
    GROUP BY h.nik_kepala_hash HAVING count(*) > 1
),
shared_kk AS MATERIALIZED (
    SELECT no_kk_hash AS digest FROM candidate
    WHERE no_kk_hash IN (SELECT digest FROM touched WHERE kind = 2)
    GROUP BY no_kk_hash HAVING count(*) > 1
    UNION ALL
    SELECT h.no_kk_hash FROM household h
    WHERE h.no_kk_hash IN (SELECT no_kk_hash FROM candidate
                           EXCEPT SELECT digest FROM touched WHERE kind = 2)
    GROUP BY h.no_kk_hash HAVING count(*) > 1
),
judged AS (
    SELECT kode_kabkota, id, flagged, coalesce(batch_id = :batch, false) AS of_batch,
           (nik_kepala_hash IN (SELECT digest FROM shared_nik)
            OR no_kk_hash IN (SELECT digest FROM shared_kk)) AS duplicate
    FROM candidate
)
INSERT INTO household_judged (kode_kabkota, id, duplicate, flagged, of_batch)
SELECT kode_kabkota, id, duplicate, flagged, of_batch FROM judged
WHERE duplicate <> flagged OR (duplicate AND of_batch)
