-- Each household's coverage timeline, kept on its registry row for the point tiles: the dates
-- at which its number of active programs changes (coverage_cuts, ascending) and that number
-- from each date on (coverage_counts), so the count on any reference date is
-- coverage_counts[width_bucket(ref, coverage_cuts)] read with the point, with no probe into
-- coverage_segment (0 before the first cut; NULL arrays: never enrolled). Made from the
-- household's segments (:ids, or every household when :all), after they are rebuilt: every
-- segment start with its count, every end with 0 unless another segment starts that day.
-- First the households left without segments lose their timeline; then only rows whose
-- timeline changed are written (a full rebuild leaves the unchanged ones alone).
UPDATE household h SET coverage_cuts = NULL, coverage_counts = NULL
WHERE h.coverage_cuts IS NOT NULL
  AND (CAST(:all AS boolean) OR h.id = ANY(CAST(:ids AS bigint[])))
  AND NOT EXISTS (SELECT 1 FROM coverage_segment s
                  WHERE s.kode_kabkota = h.kode_kabkota AND s.household_id = h.id);
UPDATE household h SET coverage_cuts = t.cuts, coverage_counts = t.counts
FROM (
    SELECT kode_kabkota, household_id, array_agg(t ORDER BY t) AS cuts,
           array_agg(n ORDER BY t) AS counts
    FROM (
        SELECT s.kode_kabkota, s.household_id, b.t, CAST(max(b.n) AS smallint) AS n
        FROM coverage_segment s,
             LATERAL (VALUES (s.dari, s.n_program), (s.sampai, 0)) AS b(t, n)
        WHERE b.t <> 'infinity'::date
          AND (CAST(:all AS boolean) OR s.household_id = ANY(CAST(:ids AS bigint[])))
        GROUP BY s.kode_kabkota, s.household_id, b.t
    ) AS cuts
    GROUP BY kode_kabkota, household_id
) AS t
WHERE h.kode_kabkota = t.kode_kabkota AND h.id = t.household_id
  AND (h.coverage_cuts IS DISTINCT FROM t.cuts OR h.coverage_counts IS DISTINCT FROM t.counts)
