-- The polygons (EPSG:4326, WKB) of the kelurahan/desa below parent (NULL = all) within the
-- caller's scope, for their adjacency.
SELECT kode, ST_AsBinary(geom) AS wkb
FROM wilayah
WHERE level = 'kelurahan'
  AND (CAST(:parent_below AS text) IS NULL OR kode LIKE :parent_below)
  AND (CAST(:area_patterns AS text[]) IS NULL OR (kode ~>=~ CAST(:area_from AS text)
     AND kode ~<~ CAST(:area_to AS text)
     AND kode LIKE ANY (CAST(:area_patterns AS text[]))))
