-- Rebuild the coverage segments of the households in :ids (all households when :all).
-- Each household's timeline is cut at every enrollment start and every day after an end;
-- between two cuts its set of active programs is constant. Periods are half-open [dari, sampai).
-- Every step keeps the household's kode_kabkota beside its id: on Citus that makes the whole
-- statement run on each worker over its own shards (co-located), and adds nothing elsewhere.
WITH iv AS (
    SELECT e.kode_kabkota, e.household_id, e.program_id, p.instansi, e.tanggal_mulai AS a,
           COALESCE(e.tanggal_selesai + 1, 'infinity'::date) AS b
    FROM enrollment e
    JOIN program p ON p.id = e.program_id
    WHERE e.household_id IS NOT NULL
      AND (CAST(:all AS boolean) OR e.household_id = ANY(CAST(:ids AS bigint[])))
      AND (e.tanggal_selesai IS NULL OR e.tanggal_selesai >= e.tanggal_mulai)
), cuts AS (
    SELECT kode_kabkota, household_id, a AS t FROM iv
    UNION
    SELECT kode_kabkota, household_id, b FROM iv WHERE b <> 'infinity'::date
), seg AS (
    SELECT kode_kabkota, household_id, t AS dari,
           COALESCE(lead(t) OVER (PARTITION BY kode_kabkota, household_id ORDER BY t),
                    'infinity'::date) AS sampai
    FROM cuts
)
INSERT INTO coverage_segment (kode_kabkota, household_id, kode_kelurahan, desil, terverifikasi,
                              dari, sampai, program_ids, instansi, n_program, n_instansi)
SELECT s.kode_kabkota, s.household_id, h.kode_kelurahan, h.desil,
       h.status_verifikasi = 'terverifikasi', s.dari, s.sampai,
       array_agg(DISTINCT iv.program_id ORDER BY iv.program_id),
       array_agg(DISTINCT iv.instansi ORDER BY iv.instansi),
       count(DISTINCT iv.program_id), count(DISTINCT iv.instansi)
FROM seg s
JOIN iv ON iv.kode_kabkota = s.kode_kabkota AND iv.household_id = s.household_id
       AND iv.a <= s.dari AND s.dari < iv.b
JOIN household h ON h.kode_kabkota = s.kode_kabkota AND h.id = s.household_id
GROUP BY s.kode_kabkota, s.household_id, h.kode_kelurahan, h.desil, h.status_verifikasi,
         s.dari, s.sampai
