-- The unfiltered mix from the per-key steps (geo/coverage/mix.py KeyRow): per key (one
-- program 'p<id>' or one agency 'a<code>'), kelurahan (kept only inside some program's
-- service area, :service_kelurahan, as segment_mix.sql) and target or not, the households
-- active on :ref and of them those in two or more programs or agencies. The step valid on
-- :ref is found as in key_steps_by_area.sql; 268,000 step rows at 1 M households read in a
-- fifth of the time the active segments take (2.4 M). Kelurahan in :stale are left out here
-- and read from the segments instead. :only (NULL: all) keeps the given kelurahan (the
-- service-area kelurahan split off the combination steps, figures.py _service_split).
SELECT kunci, kode, target, sum(households) AS households, sum(overlap) AS overlap,
       sum(overlap_agency) AS overlap_agency
FROM (
    SELECT s.kunci,
           CASE WHEN s.kode_kelurahan = ANY (CAST(:service_kelurahan AS text[]))
                THEN s.kode_kelurahan END AS kode,
           b.target, s.households[b.i] AS households, s.overlap[b.i] AS overlap,
           s.overlap_agency[b.i] AS overlap_agency
    FROM coverage_key_step s
    CROSS JOIN LATERAL (SELECT width_bucket(CAST(:ref AS date), s.berlaku) AS i,
                               s.terverifikasi AND s.desil <= :desil AS target) b
    WHERE (CAST(:area_patterns AS text[]) IS NULL
           OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
               AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
               AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
      AND (CAST(:area_kabs AS text[]) IS NULL
           OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
      AND NOT s.kode_kelurahan = ANY (CAST(:stale AS text[]))
      AND (CAST(:only AS text[]) IS NULL OR s.kode_kelurahan = ANY (CAST(:only AS text[])))
    OFFSET 0
) v
WHERE households > 0
GROUP BY 1, 2, 3
