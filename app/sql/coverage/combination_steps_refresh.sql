-- Rebuild the program-combination steps of the kab/kota in :kabs (all when :all) from the
-- segments: per (kab/kota, desil, verified, programs held) the households active, as a step
-- function of the date in one row (dates and counts in arrays, as steps_refresh.sql). The
-- overlap matrix of a kab/kota or the province sums these few rows (27,000 at 1 M
-- households) instead of every active segment (2.4 M). Per kab/kota, not per kelurahan: per
-- kelurahan there would be 560,000 rows, a quarter of the segments. A date where the changes
-- cancel out is left out, as the merge of a partial rebuild's changes leaves it out
-- (geo/coverage/stepfunctions.py): the row is the same however it was reached.
INSERT INTO coverage_combination_step (kode_kabkota, desil, terverifikasi, program_ids,
                                       berlaku, households)
SELECT kode_kabkota, desil, terverifikasi, program_ids, array_agg(t ORDER BY t),
       array_agg(households ORDER BY t)
FROM (
    SELECT kode_kabkota, desil, terverifikasi, program_ids, t,
           CAST(sum(d_households) OVER w AS integer) AS households
    FROM (
        SELECT s.kode_kabkota, s.desil, s.terverifikasi, s.program_ids, e.t,
               sum(e.sign) AS d_households
        FROM coverage_segment s
        CROSS JOIN LATERAL (VALUES (s.dari, 1), (s.sampai, -1)) AS e(t, sign)
        WHERE (CAST(:all AS boolean) OR s.kode_kabkota = ANY (CAST(:kabs AS text[])))
          AND e.t <> 'infinity'::date
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(e.sign) <> 0
    ) changes
    WINDOW w AS (PARTITION BY kode_kabkota, desil, terverifikasi, program_ids ORDER BY t)
) steps
GROUP BY 1, 2, 3, 4
