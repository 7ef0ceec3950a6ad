-- Rebuild the coverage steps of the kelurahan in :codes (all when :all) from the segments:
-- each segment adds its counters on dari and removes them on sampai; a running sum per group
-- gives the counters valid from each change date until the next one (a date where the
-- changes cancel out is left out: the row is then the same however it was reached, recounted
-- here or merged from a partial rebuild's changes, steps_merge_fold.sql). One row per group
-- holds its step function: the change dates (ascending) in berlaku and the counters valid
-- from each, so a reader finds the step of a date by a binary search in the row
-- (width_bucket) instead of an index descent per group (migration 0015). kode_kabkota (the
-- kelurahan's own prefix) rides along so that, on Citus, each worker sums its own shards.
INSERT INTO coverage_step (kode_kabkota, kode_kelurahan, desil, terverifikasi, berlaku,
                           households, overlap, overlap_agency, pairs)
SELECT kode_kabkota, kode_kelurahan, desil, terverifikasi, array_agg(t ORDER BY t),
       array_agg(households ORDER BY t), array_agg(overlap ORDER BY t),
       array_agg(overlap_agency ORDER BY t), array_agg(pairs ORDER BY t)
FROM (
    SELECT kode_kabkota, kode_kelurahan, desil, terverifikasi, t,
           CAST(sum(d_households) OVER w AS integer) AS households,
           CAST(sum(d_overlap) OVER w AS integer) AS overlap,
           CAST(sum(d_agency) OVER w AS integer) AS overlap_agency,
           CAST(sum(d_pairs) OVER w AS integer) AS pairs
    FROM (
        SELECT kode_kabkota, kode_kelurahan, desil, terverifikasi, t, sum(sign) AS d_households,
               sum(sign * overlap) AS d_overlap, sum(sign * agency) AS d_agency,
               sum(sign * pairs) AS d_pairs
        FROM (
            SELECT s.kode_kabkota, s.kode_kelurahan, s.desil, s.terverifikasi, e.t, e.sign,
                   (s.n_program >= 2)::int AS overlap, (s.n_instansi >= 2)::int AS agency,
                   s.n_program AS pairs
            FROM coverage_segment s
            CROSS JOIN LATERAL (VALUES (s.dari, 1), (s.sampai, -1)) AS e(t, sign)
            WHERE (CAST(:all AS boolean)
                   OR (s.kode_kabkota = ANY(CAST(:kabs AS text[]))
                       AND s.kode_kelurahan = ANY(CAST(:codes AS text[]))))
              AND e.t <> 'infinity'::date
        ) events
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(sign) <> 0 OR sum(sign * overlap) <> 0 OR sum(sign * agency) <> 0
            OR sum(sign * pairs) <> 0
    ) changes
    WINDOW w AS (PARTITION BY kode_kabkota, kode_kelurahan, desil, terverifikasi ORDER BY t)
) steps
GROUP BY 1, 2, 3, 4
