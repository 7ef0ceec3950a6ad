-- Rebuild the coverage segments of the households in :ids (all households when :all).
-- Each household's timeline is cut at every enrollment start and every day after an end;
-- between two cuts its set of active programs is constant. Periods are half-open [dari, sampai).
WITH iv AS (
    SELECT e.household_id, e.program_id, p.instansi, e.tanggal_mulai AS a,
           COALESCE(e.tanggal_selesai + 1, 'infinity'::date) AS b
    FROM enrollment e
    JOIN program p ON p.id = e.program_id
    WHERE e.household_id IS NOT NULL
      AND (CAST(:all AS boolean) OR e.household_id = ANY(CAST(:ids AS bigint[])))
      AND (e.tanggal_selesai IS NULL OR e.tanggal_selesai >= e.tanggal_mulai)
), cuts AS (
    SELECT household_id, a AS t FROM iv
    UNION
    SELECT household_id, b FROM iv WHERE b <> 'infinity'::date
), seg AS (
    SELECT household_id, t AS dari,
           COALESCE(lead(t) OVER (PARTITION BY household_id ORDER BY t), 'infinity'::date) AS sampai
    FROM cuts
)
INSERT INTO coverage_segment (household_id, kode_kelurahan, desil, terverifikasi, dari, sampai,
                              program_ids, instansi, n_program, n_instansi)
SELECT s.household_id, h.kode_kelurahan, h.desil, h.status_verifikasi = 'terverifikasi',
       s.dari, s.sampai,
       array_agg(DISTINCT iv.program_id ORDER BY iv.program_id),
       array_agg(DISTINCT iv.instansi ORDER BY iv.instansi),
       count(DISTINCT iv.program_id), count(DISTINCT iv.instansi)
FROM seg s
JOIN iv ON iv.household_id = s.household_id AND iv.a <= s.dari AND s.dari < iv.b
JOIN household h ON h.id = s.household_id
GROUP BY s.household_id, h.kode_kelurahan, h.desil, h.status_verifikasi, s.dari, s.sampai
