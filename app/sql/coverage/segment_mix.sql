-- The active segments on ref counted per (programs, agencies, kelurahan, target or not): the
-- few rows every per-program, per-agency and overlap figure is summed from
-- (geo/coverage/mix.py). One pass instead of one per table; unnesting each segment's programs
-- in SQL multiplied the rows to aggregate (docs/performance.md). The kelurahan is kept only
-- where some program's service area (:service_kelurahan) needs it, NULL elsewhere: every
-- figure that is not a service area's is a sum over the whole scope, and keeping all
-- kelurahan made 158,000 rows at 1 M households (seconds of Python) instead of a few hundred.
-- :only (NULL: all) keeps the kelurahan whose steps wait for a refresh (key_mix.sql reads
-- the others).
SELECT s.program_ids AS programs, s.instansi AS agencies,
       CASE WHEN s.kode_kelurahan = ANY (CAST(:service_kelurahan AS text[]))
            THEN s.kode_kelurahan END AS kode,
       (s.terverifikasi AND s.desil <= :desil) AS target, count(*) AS households
FROM coverage_segment s
WHERE s.dari <= :ref AND :ref < s.sampai
  AND (CAST(:pids AS int[]) IS NULL OR s.program_ids && CAST(:pids AS int[]))
  AND (CAST(:only AS text[]) IS NULL OR s.kode_kelurahan = ANY (CAST(:only AS text[])))
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
GROUP BY 1, 2, 3, 4
