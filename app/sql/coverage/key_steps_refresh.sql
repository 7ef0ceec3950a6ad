-- Rebuild the per-key coverage steps of the kelurahan in :codes (all when :all) from the
-- segments. A key is one program ('p' || program id) or one agency ('a' || agency code); a
-- segment counts under every key among its programs: one household, overlap when the segment
-- holds 2+ programs (2+ agencies for overlap_agency) of any kind, and as many (household,
-- program) pairs as it holds programs of the key. Segments are first summed per (key, group,
-- period), then each period adds its counters on dari and removes them on sampai; a running
-- sum per (key, group) gives the counters valid from each change date until the next one
-- (dates where the changes cancel out left out, as in steps_refresh.sql),
-- kept as one row per (key, group) with the dates and counters in arrays (steps_refresh.sql).
-- kode_kabkota (the kelurahan's own prefix) rides along: on Citus each worker sums its shards.
WITH per_program AS (
    SELECT s.kode_kabkota, s.kode_kelurahan, s.desil, s.terverifikasi, s.dari, s.sampai, s.n_program,
           s.n_instansi, s.id, u.pid, p.instansi
    FROM coverage_segment s
    CROSS JOIN LATERAL unnest(s.program_ids) AS u(pid)
    JOIN program p ON p.id = u.pid
    WHERE CAST(:all AS boolean)
       OR (s.kode_kabkota = ANY (CAST(:kabs AS text[]))
           AND s.kode_kelurahan = ANY (CAST(:codes AS text[])))
),
keyed AS (
    SELECT 'p' || pid AS kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, dari,
           sampai, n_program, n_instansi, 1 AS pairs
    FROM per_program
    UNION ALL
    SELECT 'a' || instansi, kode_kabkota, kode_kelurahan, desil, terverifikasi, dari, sampai,
           n_program, n_instansi, count(*)
    FROM per_program
    GROUP BY id, instansi, kode_kabkota, kode_kelurahan, desil, terverifikasi, dari, sampai,
             n_program, n_instansi
),
periods AS (
    SELECT kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, dari, sampai,
           count(*) AS households,
           count(*) FILTER (WHERE n_program >= 2) AS overlap,
           count(*) FILTER (WHERE n_instansi >= 2) AS overlap_agency, sum(pairs) AS pairs
    FROM keyed
    GROUP BY 1, 2, 3, 4, 5, 6, 7
),
changes AS (
    SELECT kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, e.t,
           sum(e.sign * households) AS dh,
           sum(e.sign * overlap) AS dov, sum(e.sign * overlap_agency) AS dag,
           sum(e.sign * pairs) AS dp
    FROM periods
    CROSS JOIN LATERAL (VALUES (dari, 1), (sampai, -1)) AS e(t, sign)
    WHERE e.t <> 'infinity'::date
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(e.sign * households) <> 0 OR sum(e.sign * overlap) <> 0
        OR sum(e.sign * overlap_agency) <> 0 OR sum(e.sign * pairs) <> 0
)
INSERT INTO coverage_key_step (kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi,
                               berlaku, households, overlap, overlap_agency, pairs)
SELECT kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, array_agg(t ORDER BY t),
       array_agg(households ORDER BY t), array_agg(overlap ORDER BY t),
       array_agg(overlap_agency ORDER BY t), array_agg(pairs ORDER BY t)
FROM (
    SELECT kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, t,
           CAST(sum(dh) OVER w AS integer) AS households,
           CAST(sum(dov) OVER w AS integer) AS overlap,
           CAST(sum(dag) OVER w AS integer) AS overlap_agency,
           CAST(sum(dp) OVER w AS integer) AS pairs
    FROM changes
    WINDOW w AS (PARTITION BY kode_kabkota, kunci, kode_kelurahan, desil, terverifikasi
                 ORDER BY t)
) steps
GROUP BY 1, 2, 3, 4, 5
