-- Enrollment figures per area from the coverage segments active on ref, restricted to the
-- programs pids (NULL = all) and, when only is given, to those kelurahan. A segment is one
-- household over a date range with its active program ids (coverage_segment).
-- Target = verified and desil <= desil; overlap = 2+ programs, overlap_agency = 2+ agencies;
-- leakage counts active (household, program) pairs of non-targets.
SELECT left(s.kode_kelurahan, :code_length) AS kode,
       count(*) FILTER (WHERE s.terverifikasi AND s.desil <= :desil) AS covered,
       count(*) FILTER (WHERE s.terverifikasi AND s.desil <= :desil AND s.n_program >= 2)
           AS overlap,
       count(*) FILTER (WHERE s.terverifikasi AND s.desil <= :desil AND s.n_instansi >= 2)
           AS overlap_agency,
       coalesce(sum(CASE WHEN CAST(:pids AS int[]) IS NULL THEN s.n_program
                         ELSE (SELECT count(*) FROM unnest(s.program_ids) AS sp(id)
                               WHERE sp.id = ANY (CAST(:pids AS int[]))) END)
                FILTER (WHERE NOT (s.terverifikasi AND s.desil <= :desil)), 0) AS leakage,
       count(*) FILTER (WHERE NOT (s.terverifikasi AND s.desil <= :desil)) AS leakage_households
FROM coverage_segment s
WHERE s.dari <= :ref AND :ref < s.sampai
  AND (CAST(:pids AS int[]) IS NULL OR s.program_ids && CAST(:pids AS int[]))
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
  AND (CAST(:only AS text[]) IS NULL OR s.kode_kelurahan = ANY (CAST(:only AS text[])))
GROUP BY 1
