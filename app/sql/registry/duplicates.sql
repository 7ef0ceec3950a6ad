-- Possible duplicates: different households sharing a head NIK or a No. KK digest. Both are
-- kept and flagged for verification; a household no longer sharing either loses the flag.
WITH shared_nik AS (
    SELECT nik_kepala_hash FROM household GROUP BY nik_kepala_hash HAVING count(*) > 1
),
shared_kk AS (
    SELECT no_kk_hash FROM household GROUP BY no_kk_hash HAVING count(*) > 1
),
judged AS (
    SELECT h.kode_kabkota, h.id,
           (h.nik_kepala_hash IN (SELECT nik_kepala_hash FROM shared_nik)
            OR h.no_kk_hash IN (SELECT no_kk_hash FROM shared_kk)) AS duplicate
    FROM household h
)
UPDATE household h
SET flags = CASE WHEN j.duplicate THEN array_append(h.flags, 'possible_duplicate')
                 ELSE array_remove(h.flags, 'possible_duplicate') END
FROM judged j
WHERE j.kode_kabkota = h.kode_kabkota AND j.id = h.id AND j.duplicate <> ('possible_duplicate' = ANY (h.flags))
