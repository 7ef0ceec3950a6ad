-- Program overlap matrix, step one, from the combination steps: the target households
-- actively enrolled on :ref per combination of programs, over the kab/kota in scope (a scope
-- of whole kab/kota or wider; overlap_combinations.sql counts the same from the segments
-- for narrower scopes and stale kab/kota). width_bucket finds each row's step of :ref.
SELECT program_ids AS programs, sum(n) AS n
FROM (
    SELECT c.program_ids, c.households[width_bucket(CAST(:ref AS date), c.berlaku)] AS n
    FROM coverage_combination_step c
    WHERE c.terverifikasi AND c.desil <= :desil
      AND (CAST(:area_patterns AS text[]) IS NULL
           OR c.kode_kabkota LIKE ANY (CAST(:area_patterns AS text[])))
      AND (CAST(:area_kabs AS text[]) IS NULL
           OR c.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
    OFFSET 0
) v
WHERE n > 0
GROUP BY 1
