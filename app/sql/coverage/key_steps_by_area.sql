-- Enrollment figures per area under one filter key (:kunci, a program 'p<id>' or an agency
-- 'a<code>') from the per-key steps: for each group with steps under the key, the step valid
-- on :ref (width_bucket over the group's change dates, as in steps_by_area.sql). The key
-- leads the table's primary key, then the kab/kota: one index range read per request.
-- Kelurahan in :stale are left out here and read from the segments instead.
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
FROM coverage_key_step s
CROSS JOIN LATERAL (SELECT width_bucket(CAST(:ref AS date), s.berlaku) AS i) b
WHERE s.kunci = :kunci
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
  AND NOT s.kode_kelurahan = ANY (CAST(:stale AS text[]))
GROUP BY 1
