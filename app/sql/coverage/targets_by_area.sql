-- Target households (verified, desil <= desil) per area code of code_length characters
-- (5 kab/kota, 8 kecamatan, 13 kelurahan), within the caller's scope, counted from the
-- registry; only the kelurahan in :only when given (those whose group counts are stale).
SELECT left(h.kode_kelurahan, :code_length) AS kode, count(*) AS targets
FROM household h
WHERE h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR h.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
  AND (CAST(:only AS text[]) IS NULL OR h.kode_kelurahan = ANY (CAST(:only AS text[])))
GROUP BY 1
