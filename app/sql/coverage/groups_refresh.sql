-- Rebuild the groups (kelurahan, desil, verified) of the kelurahan in :codes (all when :all;
-- :kabs their kab/kota) with their number of households, from the registry itself.
INSERT INTO coverage_group (kode_kabkota, kode_kelurahan, desil, terverifikasi, households)
SELECT kode_kabkota, kode_kelurahan, desil, status_verifikasi = 'terverifikasi', count(*)
FROM household
WHERE CAST(:all AS boolean)
   OR (kode_kabkota = ANY (CAST(:kabs AS text[]))
       AND kode_kelurahan = ANY (CAST(:codes AS text[])))
GROUP BY 1, 2, 3, 4
