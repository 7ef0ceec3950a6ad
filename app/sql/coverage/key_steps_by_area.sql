-- Enrollment figures per area under one filter key (:kunci, a program 'p<id>' or an agency
-- 'a<code>') from the per-key steps: for each group the last step on or before :ref.
-- Kelurahan in :stale are left out here and read from the segments instead.
-- The groups are those of coverage_group, the same rows the unfiltered figures walk: a group
-- without a step under the key finds none in the probe and adds nothing. Walking the key's
-- rows of coverage_key_group instead gave the same figures slower: its key (kunci,
-- kode_kelurahan, ...) cannot serve the pattern operators of the area range, so every group
-- of the key in the province was fetched and filtered (at 1 M: 21,000 rows on 2,000 pages,
-- against 23,500 rows on 173 pages of coverage_group; docs/performance.md).
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
FROM coverage_group g
CROSS JOIN LATERAL (
    SELECT households, overlap, overlap_agency, pairs FROM coverage_key_step s
    WHERE s.kode_kabkota = g.kode_kabkota AND s.kunci = :kunci
      AND s.kode_kelurahan = g.kode_kelurahan AND s.desil = g.desil
      AND s.terverifikasi = g.terverifikasi AND s.berlaku <= :ref
      -- repeated inside the LATERAL subquery: Citus routes on the filters each part shows
    AND (CAST(:area_kabs AS text[]) IS NULL
         OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
    ORDER BY s.berlaku DESC LIMIT 1) st
WHERE (CAST(:area_patterns AS text[]) IS NULL
       OR (g.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND g.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND g.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR g.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
  AND NOT g.kode_kelurahan = ANY (CAST(:stale AS text[]))
GROUP BY 1
