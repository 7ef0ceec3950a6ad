-- One household by its registry ID, if within the caller's scope. Points EPSG:4326 (lon, lat).
SELECT h.id, h.id_keluarga, h.kode_kelurahan, h.kode_kelurahan_deklarasi, h.desil,
       h.jumlah_anggota, h.pengeluaran_per_kapita, h.status_verifikasi, h.tanggal_verifikasi,
       h.flags, ST_Y(h.geom) AS lat, ST_X(h.geom) AS lon, h.batch_id, h.diperbarui,
       h.nama_kepala, h.alamat, h.nik_kepala_mask, h.no_kk_mask
FROM household h
WHERE h.id_keluarga = :id
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
