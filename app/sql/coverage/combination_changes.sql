-- What the segments of the households :ids add to their kab/kota's program-combination steps
-- (combination_steps_refresh.sql), times :sign: read with -1 before an import deletes them and
-- with +1 once it has rebuilt them, the two give the steps' change without recounting the
-- kab/kota's other segments (a few thousand rows instead of 500,000 at 1 M households).
SELECT s.kode_kabkota, s.desil, s.terverifikasi, s.program_ids, e.t AS changed_on,
       CAST(:sign * sum(e.sign) AS integer) AS d
FROM coverage_segment s
CROSS JOIN LATERAL (VALUES (s.dari, 1), (s.sampai, -1)) AS e(t, sign)
WHERE s.household_id = ANY (CAST(:ids AS bigint[]))
  AND e.t <> 'infinity'::date
GROUP BY 1, 2, 3, 4, 5
