-- Program overlap matrix: for each ordered pair of programs (a program with itself on the
-- diagonal), the target households actively enrolled in both on ref.
SELECT a.id AS a, b.id AS b, count(*) AS n
FROM coverage_segment s
CROSS JOIN LATERAL unnest(s.program_ids) AS a(id)
CROSS JOIN LATERAL unnest(s.program_ids) AS b(id)
WHERE s.dari <= :ref AND :ref < s.sampai
  AND s.terverifikasi AND s.desil <= :desil
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
GROUP BY 1, 2
