-- Possible duplicates judged over the whole registry, for a bulk import (a file at least as
-- large as the registry, so this costs no more than the import itself): every household sharing
-- a head NIK or a No. KK digest is flagged, the others unflagged. Returns how many households
-- of the batch (:batch) end up flagged, and how many flags changed (as duplicates.sql).
WITH shared_nik AS (
    SELECT nik_kepala_hash FROM household GROUP BY nik_kepala_hash HAVING count(*) > 1
),
shared_kk AS (
    SELECT no_kk_hash FROM household GROUP BY no_kk_hash HAVING count(*) > 1
),
judged AS MATERIALIZED (
    SELECT h.kode_kabkota, h.id, h.batch_id,
           'possible_duplicate' = ANY (h.flags) AS flagged,
           (h.nik_kepala_hash IN (SELECT nik_kepala_hash FROM shared_nik)
            OR h.no_kk_hash IN (SELECT no_kk_hash FROM shared_kk)) AS duplicate
    FROM household h
),
changed AS (
    UPDATE household h
    SET flags = CASE WHEN j.duplicate THEN array_append(h.flags, 'possible_duplicate')
                     ELSE array_remove(h.flags, 'possible_duplicate') END
    FROM judged j
    WHERE j.kode_kabkota = h.kode_kabkota AND j.id = h.id AND j.duplicate <> j.flagged
    RETURNING h.id
)
SELECT (SELECT count(*) FROM judged WHERE duplicate AND batch_id = :batch) AS flagged,
       (SELECT count(*) FROM changed) AS changed
