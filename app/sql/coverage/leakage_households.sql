-- Non-target households with an active enrollment (in the programs pids, NULL = any) on
-- ref, with the programs concerned and the agencies of all their active programs.
SELECT h.id_keluarga, h.nama_kepala, h.nik_kepala_mask, h.no_kk_mask, h.alamat,
       h.kode_kelurahan, w.nama AS nama_kelurahan, h.desil, h.jumlah_anggota,
       h.pengeluaran_per_kapita, h.status_verifikasi,
       (SELECT array_agg(p.kode_program ORDER BY p.kode_program) FROM program p
         WHERE p.id = ANY (s.program_ids)
           AND (CAST(:pids AS int[]) IS NULL OR p.id = ANY (CAST(:pids AS int[])))) AS programs,
       s.instansi AS agencies
FROM coverage_segment s
JOIN household h ON h.kode_kabkota = s.kode_kabkota AND h.id = s.household_id
LEFT JOIN wilayah w ON w.kode = h.kode_kelurahan
WHERE s.dari <= :ref AND :ref < s.sampai
  AND (CAST(:pids AS int[]) IS NULL OR s.program_ids && CAST(:pids AS int[]))
  AND NOT (s.terverifikasi AND s.desil <= :desil)
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR s.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
ORDER BY h.desil DESC, h.kode_kelurahan, h.id_keluarga
LIMIT :limit OFFSET :offset
