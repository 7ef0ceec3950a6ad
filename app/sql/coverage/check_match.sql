-- The agency check: each input digest (hashes, at input position pos) matched against the
-- head NIK (nik), member NIK (nik) and No. KK (kk) digest indexes; with the household's
-- target status and its active programs on ref, within the caller's scope.
-- LATERAL subqueries keep every lookup an index probe per number (10,000 probes), where plain
-- joins let the planner hash the whole registry (measured 2 s at 1,000,000 households).
WITH q AS (SELECT * FROM unnest(CAST(:pos AS int[]), CAST(:hashes AS bytea[])) AS q(pos, hash))
SELECT q.pos, m.kunci, h.id_keluarga, h.kode_kelurahan, w.nama AS nama_kelurahan, h.desil,
       h.status_verifikasi,
       (h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil) AS sasaran,
       (SELECT json_agg(json_build_object('kode_program', p.kode_program, 'nama', p.nama,
                                          'instansi', p.instansi, 'nama_instansi', a.nama)
                        ORDER BY p.kode_program)
          FROM coverage_segment s JOIN program p ON p.id = ANY(s.program_ids)
          JOIN agency a ON a.kode = p.instansi
         WHERE s.household_id = h.id AND s.dari <= :ref AND :ref < s.sampai) AS programs
FROM q
CROSS JOIN LATERAL (
    SELECT hh.id, 'nik_kepala' AS kunci FROM household hh
     WHERE :nik AND hh.nik_kepala_hash = q.hash
    UNION
    SELECT mb.household_id, 'nik_anggota' FROM member mb WHERE :nik AND mb.nik_hash = q.hash
    UNION
    SELECT hh.id, 'no_kk' FROM household hh WHERE :kk AND hh.no_kk_hash = q.hash
) m
CROSS JOIN LATERAL (SELECT * FROM household hh WHERE hh.id = m.id) h
LEFT JOIN wilayah w ON w.kode = h.kode_kelurahan
WHERE CAST(:area_patterns AS text[]) IS NULL
   OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
       AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
       AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[])))
ORDER BY q.pos, h.id_keluarga
