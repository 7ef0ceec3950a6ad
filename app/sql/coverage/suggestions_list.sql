-- Undecided (or decided, by :status) match suggestions with their enrollment row and program,
-- for an agency / program / batch (NULL = any), in the caller's areas by the candidate
-- household's kelurahan. The candidate households are read by coverage/suggestion_households.sql:
-- on Citus, suggestions stay on the coordinator and enrollment rows (of kab/kota '' until
-- confirmed) and households are distributed, and no one join can bring all three together.
SELECT s.id, s.enrollment_id, s.household_id, s.peringkat, s.skor, s.alasan, s.status,
       s.kode_kelurahan, e.batch_id, e.nomor_baris, e.kunci, e.kunci_tampil, e.tanggal_mulai,
       p.kode_program, p.instansi
FROM match_suggestion s
JOIN enrollment e ON e.id = s.enrollment_id
JOIN program p ON p.id = e.program_id
WHERE s.status = :status
  AND (CAST(:agency AS text) IS NULL OR p.instansi = :agency)
  AND (CAST(:program AS text) IS NULL OR p.kode_program = :program)
  AND (CAST(:batch AS int) IS NULL OR e.batch_id = :batch)
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
ORDER BY e.batch_id, e.nomor_baris, s.peringkat
