-- Which of codes are loaded kelurahan/desa below the plan's parent (NULL = all) and within
-- the caller's scope (a plan may only name such areas).
SELECT kode
FROM wilayah
WHERE level = 'kelurahan' AND kode = ANY (:codes)
  AND (CAST(:parent_below AS text) IS NULL OR kode LIKE :parent_below)
  AND (CAST(:area_patterns AS text[]) IS NULL OR (kode ~>=~ CAST(:area_from AS text)
     AND kode ~<~ CAST(:area_to AS text)
     AND kode LIKE ANY (CAST(:area_patterns AS text[]))))
