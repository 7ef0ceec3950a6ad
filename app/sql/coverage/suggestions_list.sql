-- Undecided (or decided, by :status) match suggestions with their enrollment row, program and
-- candidate household, for an agency / program / batch (NULL = any), in the caller's areas
-- by the candidate household's kelurahan.
SELECT s.id, s.enrollment_id, s.peringkat, s.skor, s.alasan, s.status, s.kode_kelurahan,
       e.batch_id, e.nomor_baris, e.kunci, e.kunci_tampil, e.tanggal_mulai, p.kode_program,
       p.instansi, h.id_keluarga, h.nama_kepala, h.no_kk_mask, h.nik_kepala_mask
FROM match_suggestion s
JOIN enrollment e ON e.id = s.enrollment_id
JOIN program p ON p.id = e.program_id
JOIN household h ON h.id = s.household_id
WHERE s.status = :status
  AND (CAST(:agency AS text) IS NULL OR p.instansi = :agency)
  AND (CAST(:program AS text) IS NULL OR p.kode_program = :program)
  AND (CAST(:batch AS int) IS NULL OR e.batch_id = :batch)
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
ORDER BY e.batch_id, e.nomor_baris, s.peringkat
