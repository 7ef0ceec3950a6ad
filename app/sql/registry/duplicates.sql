-- Possible duplicates: different households sharing a head NIK or a No. KK digest. Both are
-- kept and flagged for verification; a household no longer sharing either loses the flag.
-- Only the households whose flag an import can have changed are judged: those holding a head
-- NIK or No. KK digest it touched (household_touched: the digests of the rows it wrote and the
-- former digests of the households it changed), so the work follows the import's size, not
-- the registry's. Into household_judged: the households whose flag changes and the batch's
-- (:batch) flagged ones (registry/flags_apply.sql writes them).
WITH touched AS MATERIALIZED (
    SELECT 'nik' AS kind, nik_kepala_hash AS digest FROM household_touched
    UNION
    SELECT 'kk', no_kk_hash FROM household_touched
),
-- Through the touched CTE, not the temporary table: the planner then probes the digest indexes
-- (10,000 touched beside 1 M: ~0.1 s) where, knowing the table's size, it chose two sequential
-- scans of household (~0.75 s). A file as large as the registry takes duplicates_all.sql.
candidate AS MATERIALIZED (
    SELECT h.kode_kabkota, h.id, h.nik_kepala_hash, h.no_kk_hash, h.batch_id,
           'possible_duplicate' = ANY (h.flags) AS flagged
    FROM household h
    WHERE h.nik_kepala_hash IN (SELECT digest FROM touched WHERE kind = 'nik')
    UNION
    SELECT h.kode_kabkota, h.id, h.nik_kepala_hash, h.no_kk_hash, h.batch_id,
           'possible_duplicate' = ANY (h.flags) AS flagged
    FROM household h
    WHERE h.no_kk_hash IN (SELECT digest FROM touched WHERE kind = 'kk')
),
-- Each candidate's two digests, and which of them it shares.
held AS MATERIALIZED (
    SELECT kode_kabkota, id, 'nik' AS kind, nik_kepala_hash AS digest FROM candidate
    UNION ALL
    SELECT kode_kabkota, id, 'kk', no_kk_hash FROM candidate
),
-- Every household holding a touched digest is a candidate: those digests are counted among the
-- candidates. A candidate's other digest (a partner found through one digest) is counted in
-- the registry, through its index.
untouched AS MATERIALIZED (
    SELECT DISTINCT kind, digest FROM held x
    WHERE NOT EXISTS (SELECT 1 FROM touched t WHERE t.kind = x.kind AND t.digest = x.digest)
),
shared AS (
    SELECT kind, digest FROM held
    WHERE (kind, digest) IN (SELECT kind, digest FROM touched)
    GROUP BY kind, digest HAVING count(*) > 1
    UNION ALL
    SELECT 'nik', h.nik_kepala_hash FROM household h
    WHERE h.nik_kepala_hash IN (SELECT digest FROM untouched WHERE kind = 'nik')
    GROUP BY h.nik_kepala_hash HAVING count(*) > 1
    UNION ALL
    SELECT 'kk', h.no_kk_hash FROM household h
    WHERE h.no_kk_hash IN (SELECT digest FROM untouched WHERE kind = 'kk')
    GROUP BY h.no_kk_hash HAVING count(*) > 1
),
judged AS (
    SELECT c.kode_kabkota, c.id, c.batch_id, c.flagged, d.id IS NOT NULL AS duplicate
    FROM candidate c
    LEFT JOIN (SELECT DISTINCT x.kode_kabkota, x.id FROM held x JOIN shared s USING (kind, digest)
              ) d ON d.kode_kabkota = c.kode_kabkota AND d.id = c.id
)
INSERT INTO household_judged (kode_kabkota, id, duplicate, flagged, of_batch)
SELECT kode_kabkota, id, duplicate, flagged, batch_id = :batch FROM judged
WHERE duplicate <> flagged OR (duplicate AND batch_id = :batch)
