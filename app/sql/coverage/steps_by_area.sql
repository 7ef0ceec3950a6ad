-- Unfiltered enrollment figures per area from the coverage steps: for each group (kelurahan,
-- desil, verified) the step valid on :ref, found by width_bucket's binary search in the
-- group's own row (0, before its first change date, subscripts to NULL: nothing counted).
-- Kelurahan in stale (changed since the steps were built) are left out here and read from
-- the segments instead.
SELECT left(s.kode_kelurahan, :code_length) AS kode,
       coalesce(sum(s.households[b.i]) FILTER (WHERE s.terverifikasi AND s.desil <= :desil), 0)
           AS covered,
       coalesce(sum(s.overlap[b.i]) FILTER (WHERE s.terverifikasi AND s.desil <= :desil), 0)
           AS overlap,
       coalesce(sum(s.overlap_agency[b.i]) FILTER (WHERE s.terverifikasi AND s.desil <= :desil),
                0) AS overlap_agency,
       coalesce(sum(s.pairs[b.i]) FILTER (WHERE NOT (s.terverifikasi AND s.desil <= :desil)), 0)
           AS leakage,
       coalesce(sum(s.households[b.i]) FILTER (WHERE NOT (s.terverifikasi AND s.desil <= :desil)),
                0) AS leakage_households
FROM coverage_step s
CROSS JOIN LATERAL (SELECT width_bucket(CAST(:ref AS date), s.berlaku) AS i) b
WHERE (CAST(:area_patterns AS text[]) IS NULL
       OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
  AND NOT s.kode_kelurahan = ANY (CAST(:stale AS text[]))
GROUP BY 1
