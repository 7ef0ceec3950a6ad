-- Possible duplicates judged over the whole registry, for a bulk import (a file at least as
-- large as the registry, so this costs no more than the import itself): every household sharing
-- a head NIK or a No. KK digest is flagged, the others unflagged. Into household_judged, as
-- registry/duplicates.sql (a household without a batch is never the batch's).
WITH shared_nik AS (
    SELECT nik_kepala_hash FROM household GROUP BY nik_kepala_hash HAVING count(*) > 1
),
shared_kk AS (
    SELECT no_kk_hash FROM household GROUP BY no_kk_hash HAVING count(*) > 1
),
judged AS (
    SELECT h.kode_kabkota, h.id, coalesce(h.batch_id = :batch, false) AS of_batch,
           'possible_duplicate' = ANY (h.flags) AS flagged,
           (h.nik_kepala_hash IN (SELECT nik_kepala_hash FROM shared_nik)
            OR h.no_kk_hash IN (SELECT no_kk_hash FROM shared_kk)) AS duplicate
    FROM household h
)
INSERT INTO household_judged (kode_kabkota, id, duplicate, flagged, of_batch)
SELECT kode_kabkota, id, duplicate, flagged, of_batch FROM judged
WHERE duplicate <> flagged OR (duplicate AND of_batch)
