-- Rebuild the groups (kelurahan, desil, verified) of the kelurahan in :codes (all when :all)
-- with their number of households, from the registry itself.
INSERT INTO coverage_group (kode_kelurahan, desil, terverifikasi, households)
SELECT kode_kelurahan, desil, status_verifikasi = 'terverifikasi', count(*)
FROM household
WHERE CAST(:all AS boolean) OR kode_kelurahan = ANY (CAST(:codes AS text[]))
GROUP BY 1, 2, 3
