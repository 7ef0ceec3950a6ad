-- Loaded areas of one level within the caller's scope.
SELECT w.kode
FROM wilayah w
WHERE w.level = :level
  AND (CAST(:area_patterns AS text[]) IS NULL OR w.kode LIKE ANY (CAST(:area_patterns AS text[])))
