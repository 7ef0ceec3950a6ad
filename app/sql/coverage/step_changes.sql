-- What the segments of the households :ids count in the coverage steps, times :sign: read with
-- -1 before a partial rebuild deletes them and with +1 once it has rebuilt them, the two are
-- the steps' change, added to the stored rows without recounting the kelurahan's other
-- segments (coverage/steps_merge_fold.sql). The counting is that of steps_refresh.sql (key
-- '') and key_steps_refresh.sql (one key per program and per agency): one household per
-- segment, overlap when it holds 2+ programs (2+ agencies for overlap_agency), and its
-- (household, program) pairs, all programs for key '', the key's own programs otherwise.
INSERT INTO step_change (kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, t,
                         dh, dov, dag, dp)
WITH seg AS (
    SELECT s.id, s.kode_kabkota, s.kode_kelurahan, s.desil, s.terverifikasi, s.dari, s.sampai,
           (s.n_program >= 2)::int AS ov, (s.n_instansi >= 2)::int AS ag, s.n_program,
           s.program_ids
    FROM coverage_segment s
    WHERE s.household_id = ANY (CAST(:ids AS bigint[]))
),
per_program AS (
    SELECT seg.*, u.pid, p.instansi
    FROM seg
    CROSS JOIN LATERAL unnest(seg.program_ids) AS u(pid)
    JOIN program p ON p.id = u.pid
),
keyed AS (
    SELECT '' AS kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, dari, sampai, ov,
           ag, n_program AS pairs
    FROM seg
    UNION ALL
    SELECT 'p' || pid, kode_kabkota, kode_kelurahan, desil, terverifikasi, dari, sampai, ov,
           ag, 1
    FROM per_program
    UNION ALL
    SELECT 'a' || instansi, kode_kabkota, kode_kelurahan, desil, terverifikasi, dari, sampai,
           ov, ag, count(*)
    FROM per_program
    GROUP BY id, instansi, kode_kabkota, kode_kelurahan, desil, terverifikasi, dari, sampai,
             ov, ag
)
SELECT kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, e.t,
       CAST(:sign * sum(e.sign) AS integer), CAST(:sign * sum(e.sign * ov) AS integer),
       CAST(:sign * sum(e.sign * ag) AS integer), CAST(:sign * sum(e.sign * pairs) AS integer)
FROM keyed
CROSS JOIN LATERAL (VALUES (dari, 1), (sampai, -1)) AS e(t, sign)
WHERE e.t <> 'infinity'::date
GROUP BY 1, 2, 3, 4, 5, 6
