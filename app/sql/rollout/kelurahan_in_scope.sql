-- Kelurahan/desa below parent (NULL = all) within the caller's scope, ordered by code.
SELECT kode, nama
FROM wilayah
WHERE level = 'kelurahan'
  AND (CAST(:parent_below AS text) IS NULL OR kode LIKE :parent_below)
  AND (CAST(:area_patterns AS text[]) IS NULL OR (kode ~>=~ CAST(:area_from AS text)
     AND kode ~<~ CAST(:area_to AS text)
     AND kode LIKE ANY (CAST(:area_patterns AS text[]))))
ORDER BY kode
