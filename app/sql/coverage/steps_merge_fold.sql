-- Fold the changes a partial segment rebuild made (step_change, from step_changes.sql) into the
-- stored steps of the groups they touch, into step_merged: the rows those groups would get
-- from a full recount (steps_refresh.sql, key_steps_refresh.sql), without reading the
-- kelurahan's other segments. Each stored row first enters step_change as its own changes
-- (the counters at each date minus those at the date before; the array's element 0 is NULL),
-- then per (key, group, date) the changes are summed, dates where nothing changes dropped, and
-- a running sum per (key, group) gives the counters again. A step breaking what any count
-- of segments keeps (no counter below zero, overlap_agency <= overlap <= households <= pairs)
-- means the stored row was not what the changes were computed against: the caller recounts
-- that kelurahan instead (inconsistent). :kabs, the kab/kota of the changes, limits each read
-- to their shards on Citus.
INSERT INTO step_change (kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, t,
                         dh, dov, dag, dp)
SELECT '', s.kode_kabkota, s.kode_kelurahan, s.desil, s.terverifikasi, u.t,
       u.h - coalesce(s.households[u.i - 1], 0), u.ov - coalesce(s.overlap[u.i - 1], 0),
       u.ag - coalesce(s.overlap_agency[u.i - 1], 0), u.p - coalesce(s.pairs[u.i - 1], 0)
FROM coverage_step s
CROSS JOIN LATERAL unnest(s.berlaku, s.households, s.overlap, s.overlap_agency, s.pairs)
    WITH ORDINALITY AS u(t, h, ov, ag, p, i)
WHERE s.kode_kabkota = ANY (CAST(:kabs AS text[]))
  AND (s.kode_kelurahan, s.desil, s.terverifikasi) IN (
      SELECT kode_kelurahan, desil, terverifikasi FROM step_change WHERE kunci = '');

-- The same for the key steps; a separate statement, not a UNION ALL with the one above: Citus
-- refuses a union of two distributed tables under a join ("complex joins are only supported
-- when all distributed tables are co-located and joined on their distribution columns").
INSERT INTO step_change (kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, t,
                         dh, dov, dag, dp)
SELECT s.kunci, s.kode_kabkota, s.kode_kelurahan, s.desil, s.terverifikasi, u.t,
       u.h - coalesce(s.households[u.i - 1], 0), u.ov - coalesce(s.overlap[u.i - 1], 0),
       u.ag - coalesce(s.overlap_agency[u.i - 1], 0), u.p - coalesce(s.pairs[u.i - 1], 0)
FROM coverage_key_step s
CROSS JOIN LATERAL unnest(s.berlaku, s.households, s.overlap, s.overlap_agency, s.pairs)
    WITH ORDINALITY AS u(t, h, ov, ag, p, i)
WHERE s.kode_kabkota = ANY (CAST(:kabs AS text[]))
  AND (s.kunci, s.kode_kelurahan, s.desil, s.terverifikasi) IN (
      SELECT kunci, kode_kelurahan, desil, terverifikasi FROM step_change WHERE kunci <> '');

DROP TABLE IF EXISTS step_merged;

CREATE TEMPORARY TABLE step_merged ON COMMIT DROP AS
SELECT kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi,
       array_agg(t ORDER BY t) AS berlaku,
       array_agg(h ORDER BY t) AS households, array_agg(ov ORDER BY t) AS overlap,
       array_agg(ag ORDER BY t) AS overlap_agency, array_agg(p ORDER BY t) AS pairs,
       bool_or(ag < 0 OR ag > ov OR ov > h OR h > p) AS inconsistent
FROM (
    SELECT kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, t,
           CAST(sum(dh) OVER w AS integer) AS h, CAST(sum(dov) OVER w AS integer) AS ov,
           CAST(sum(dag) OVER w AS integer) AS ag, CAST(sum(dp) OVER w AS integer) AS p
    FROM (
        SELECT kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, t, sum(dh) AS dh,
               sum(dov) AS dov, sum(dag) AS dag, sum(dp) AS dp
        FROM step_change
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(dh) <> 0 OR sum(dov) <> 0 OR sum(dag) <> 0 OR sum(dp) <> 0
    ) changes
    WINDOW w AS (PARTITION BY kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi
                 ORDER BY t)
) steps
GROUP BY 1, 2, 3, 4, 5
