-- Enrollment figures per area under one filter key (:kunci, a program 'p<id>' or an agency
-- 'a<code>') from the per-key steps: for each group the last step on or before :ref.
-- Kelurahan in :stale are left out here and read from the segments instead.
SELECT left(g.kode_kelurahan, :code_length) AS kode,
       coalesce(sum(st.households) FILTER (WHERE g.terverifikasi AND g.desil <= :desil), 0)
           AS covered,
       coalesce(sum(st.overlap) FILTER (WHERE g.terverifikasi AND g.desil <= :desil), 0)
           AS overlap,
       coalesce(sum(st.overlap_agency) FILTER (WHERE g.terverifikasi AND g.desil <= :desil), 0)
           AS overlap_agency,
       coalesce(sum(st.pairs) FILTER (WHERE NOT (g.terverifikasi AND g.desil <= :desil)), 0)
           AS leakage,
       coalesce(sum(st.households) FILTER (WHERE NOT (g.terverifikasi AND g.desil <= :desil)), 0)
           AS leakage_households
FROM coverage_key_group g
CROSS JOIN LATERAL (
    SELECT households, overlap, overlap_agency, pairs FROM coverage_key_step s
    WHERE s.kode_kabkota = g.kode_kabkota AND s.kunci = g.kunci
      AND s.kode_kelurahan = g.kode_kelurahan AND s.desil = g.desil
      AND s.terverifikasi = g.terverifikasi AND s.berlaku <= :ref
      -- repeated inside the LATERAL subquery: Citus routes on the filters each part shows
    AND (CAST(:area_kabs AS text[]) IS NULL
         OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
    ORDER BY s.berlaku DESC LIMIT 1) st
WHERE g.kunci = :kunci
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (g.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND g.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND g.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR g.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
  AND NOT g.kode_kelurahan = ANY (CAST(:stale AS text[]))
GROUP BY 1
