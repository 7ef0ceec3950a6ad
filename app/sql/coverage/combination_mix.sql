-- The unfiltered mix of a scope of whole kab/kota from the combination steps: per
-- combination of programs held and target or not, the households active on :ref
-- (geo/coverage/mix.py MixRow, kelurahan None). Every per-program and per-agency figure of
-- the scope is a sum over these rows, as over the segments' mix; 27,000 step rows at
-- 1 M households are read instead of the 268,000 per-key steps (key_mix.sql), a tenth of
-- the time. Its target rows are the overlap matrix's combinations (figures.py
-- _combinations); overlap_combinations.sql counts the same from the segments for narrower
-- scopes and stale kab/kota.
SELECT program_ids AS programs, target, sum(n) AS households
FROM (
    SELECT c.program_ids, c.terverifikasi AND c.desil <= :desil AS target,
           c.households[width_bucket(CAST(:ref AS date), c.berlaku)] AS n
    FROM coverage_combination_step c
    WHERE (CAST(:area_patterns AS text[]) IS NULL
           OR c.kode_kabkota LIKE ANY (CAST(:area_patterns AS text[])))
      AND (CAST(:area_kabs AS text[]) IS NULL
           OR c.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
    OFFSET 0
) v
WHERE n > 0
GROUP BY 1, 2
