-- Program overlap matrix, step one: the target households actively enrolled on ref, counted
-- per combination of programs (a segment's program_ids, sorted). The pairs are expanded from
-- these few rows afterwards (geo.coverage.overlap): unnesting each segment's programs twice
-- multiplied the rows to aggregate and took 5x the CPU (docs/performance.md).
SELECT s.program_ids AS programs, count(*) AS n
FROM coverage_segment s
WHERE s.dari <= :ref AND :ref < s.sampai
  AND s.terverifikasi AND s.desil <= :desil
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
GROUP BY 1
