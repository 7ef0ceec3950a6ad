-- Target households with no active enrollment (in the programs pids, NULL = any) on ref,
-- poorest first: desil, then expenditure per capita, then larger households first.
SELECT h.id_keluarga, h.nama_kepala, h.nik_kepala_mask, h.no_kk_mask, h.alamat,
       h.kode_kelurahan, w.nama AS nama_kelurahan, h.desil, h.jumlah_anggota,
       h.pengeluaran_per_kapita, h.status_verifikasi
FROM household h
LEFT JOIN wilayah w ON w.kode = h.kode_kelurahan
WHERE h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR h.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
  AND NOT EXISTS (
      SELECT 1 FROM coverage_segment s
      WHERE s.kode_kabkota = h.kode_kabkota AND s.household_id = h.id
        AND s.dari <= :ref AND :ref < s.sampai
        AND (CAST(:pids AS int[]) IS NULL OR s.program_ids && CAST(:pids AS int[])))
ORDER BY h.desil, h.pengeluaran_per_kapita NULLS LAST, h.jumlah_anggota DESC, h.id_keluarga
LIMIT :limit OFFSET :offset
