-- Per program and kelurahan, the figures of program_cells.sql read from the per-program steps
-- (key 'p' || id) instead of the segments: for each group the last step on or before :ref.
-- A program key's step counts each household once (pairs = households), so leakage here is
-- the number of non-target households enrolled in the program, as program_cells counts it.
-- Kelurahan in :stale are left out and read from the segments instead.
SELECT CAST(substr(g.kunci, 2) AS int) AS program_id, g.kode_kelurahan AS kode,
       coalesce(sum(st.households) FILTER (WHERE g.terverifikasi AND g.desil <= :desil), 0)
           AS covered,
       coalesce(sum(st.overlap) FILTER (WHERE g.terverifikasi AND g.desil <= :desil), 0)
           AS overlap,
       coalesce(sum(st.overlap_agency) FILTER (WHERE g.terverifikasi AND g.desil <= :desil), 0)
           AS overlap_agency,
       coalesce(sum(st.households) FILTER (WHERE NOT (g.terverifikasi AND g.desil <= :desil)), 0)
           AS leakage
FROM coverage_key_group g
CROSS JOIN LATERAL (
    SELECT households, overlap, overlap_agency FROM coverage_key_step s
    WHERE s.kode_kabkota = g.kode_kabkota AND s.kunci = g.kunci
      AND s.kode_kelurahan = g.kode_kelurahan AND s.desil = g.desil
      AND s.terverifikasi = g.terverifikasi AND s.berlaku <= :ref
      -- repeated inside the LATERAL subquery: Citus routes on the filters each part shows
    AND (CAST(:area_kabs AS text[]) IS NULL
         OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
    ORDER BY s.berlaku DESC LIMIT 1) st
WHERE g.kunci = ANY (CAST(:keys AS text[]))
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (g.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND g.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND g.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR g.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
  AND NOT g.kode_kelurahan = ANY (CAST(:stale AS text[]))
GROUP BY 1, 2
