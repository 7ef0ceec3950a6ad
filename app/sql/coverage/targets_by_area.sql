-- Target households (verified, desil <= desil) per area code of code_length characters
-- (5 kab/kota, 8 kecamatan, 13 kelurahan), within the caller's scope.
SELECT left(h.kode_kelurahan, :code_length) AS kode, count(*) AS targets
FROM household h
WHERE h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[])))
GROUP BY 1
