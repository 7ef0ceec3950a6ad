-- Loaded areas of one level within the caller's scope.
SELECT w.kode
FROM wilayah w
WHERE w.level = :level
  AND (CAST(:area_patterns AS text[]) IS NULL OR (w.kode ~>=~ CAST(:area_from AS text)
     AND w.kode ~<~ CAST(:area_to AS text)
     AND w.kode LIKE ANY (CAST(:area_patterns AS text[]))))
