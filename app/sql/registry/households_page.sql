-- One page of the households matching the list filters (code prefix patterns, desil range,
-- status, flag) within the caller's scope, by id_keluarga, each row carrying the number of
-- all matching households (total). Persons: callers check the principal and audit.
-- Points EPSG:4326 (lon, lat).
SELECT count(*) OVER () AS total,
       h.id, h.id_keluarga, h.kode_kelurahan, h.kode_kelurahan_deklarasi, h.desil,
       h.jumlah_anggota, h.pengeluaran_per_kapita, h.status_verifikasi, h.tanggal_verifikasi,
       h.flags, ST_Y(h.geom) AS lat, ST_X(h.geom) AS lon, h.batch_id, h.diperbarui,
       h.nama_kepala, h.alamat, h.nik_kepala_mask, h.no_kk_mask
FROM household h
WHERE (CAST(:area_patterns AS text[]) IS NULL
       OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:kode_patterns AS text[]) IS NULL
       OR (h.kode_kelurahan ~>=~ CAST(:kode_from AS text)
           AND h.kode_kelurahan ~<~ CAST(:kode_to AS text)
           AND h.kode_kelurahan LIKE ANY (CAST(:kode_patterns AS text[]))))
  AND (CAST(:desil_min AS integer) IS NULL OR h.desil >= :desil_min)
  AND (CAST(:desil_max AS integer) IS NULL OR h.desil <= :desil_max)
  AND (CAST(:status AS text) IS NULL OR h.status_verifikasi = :status)
  AND (CAST(:flag AS text) IS NULL OR :flag = ANY (h.flags))
ORDER BY h.id_keluarga
LIMIT :limit OFFSET :offset
