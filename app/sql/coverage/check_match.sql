-- The agency check: each input digest (hashes, at input position pos) matched against the
-- head NIK (nik), member NIK (nik) and No. KK (kk) digest indexes; with the household's
-- target status and its active programs on ref, within the caller's scope.
-- Each key is looked up with = ANY (hashes): one index scan per digest index for the whole
-- list, where a join on the list lets the planner hash the whole registry (measured 2 s at
-- 1,000,000 households). The household, its kelurahan and segments are then joined on
-- (kode_kabkota, id): on Citus each lookup runs on every shard, the rest on the household's.
WITH q AS (SELECT * FROM unnest(CAST(:pos AS int[]), CAST(:hashes AS bytea[])) AS q(pos, hash)),
m AS (
    SELECT hh.kode_kabkota, hh.id, hh.nik_kepala_hash AS hash, 'nik_kepala' AS kunci
      FROM household hh WHERE :nik AND hh.nik_kepala_hash = ANY (CAST(:hashes AS bytea[]))
    UNION
    SELECT mb.kode_kabkota, mb.household_id, mb.nik_hash, 'nik_anggota'
      FROM member mb WHERE :nik AND mb.nik_hash = ANY (CAST(:hashes AS bytea[]))
    UNION
    SELECT hh.kode_kabkota, hh.id, hh.no_kk_hash, 'no_kk'
      FROM household hh WHERE :kk AND hh.no_kk_hash = ANY (CAST(:hashes AS bytea[]))
)
SELECT q.pos, m.kunci, h.id_keluarga, h.kode_kelurahan, w.nama AS nama_kelurahan, h.desil,
       h.status_verifikasi,
       (h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil) AS sasaran,
       (SELECT json_agg(json_build_object('kode_program', p.kode_program, 'nama', p.nama,
                                          'instansi', p.instansi, 'nama_instansi', a.nama)
                        ORDER BY p.kode_program)
          FROM coverage_segment s JOIN program p ON p.id = ANY (s.program_ids)
          JOIN agency a ON a.kode = p.instansi
         WHERE s.kode_kabkota = h.kode_kabkota AND s.household_id = h.id
           AND s.dari <= :ref AND :ref < s.sampai) AS programs
FROM m
JOIN q ON q.hash = m.hash
JOIN household h ON h.kode_kabkota = m.kode_kabkota AND h.id = m.id
LEFT JOIN wilayah w ON w.kode = h.kode_kelurahan
WHERE (CAST(:area_patterns AS text[]) IS NULL
       OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR h.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
ORDER BY q.pos, h.id_keluarga
