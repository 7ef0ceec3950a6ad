-- Per program and kelurahan: target households actively enrolled (covered, overlap across
-- programs / agencies) and non-target enrolled households (leakage), on ref.
SELECT sp.id AS program_id, s.kode_kelurahan AS kode,
       count(*) FILTER (WHERE s.terverifikasi AND s.desil <= :desil) AS covered,
       count(*) FILTER (WHERE s.terverifikasi AND s.desil <= :desil AND s.n_program >= 2)
           AS overlap,
       count(*) FILTER (WHERE s.terverifikasi AND s.desil <= :desil AND s.n_instansi >= 2)
           AS overlap_agency,
       count(*) FILTER (WHERE NOT (s.terverifikasi AND s.desil <= :desil)) AS leakage
FROM coverage_segment s
CROSS JOIN LATERAL unnest(s.program_ids) AS sp(id)
WHERE s.dari <= :ref AND :ref < s.sampai
  AND (CAST(:pids AS int[]) IS NULL OR s.program_ids && CAST(:pids AS int[]))
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
GROUP BY 1, 2
