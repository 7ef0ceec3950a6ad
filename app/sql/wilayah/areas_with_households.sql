-- Areas (of level, below parent; NULL = all) ordered by code, each with the number of
-- accepted households whose effective kelurahan lies in it, counting only households within
-- the caller's scope. Label points EPSG:4326 (lon, lat).
WITH per_kelurahan AS (
    SELECT h.kode_kelurahan AS kode, count(*) AS n
    FROM household h
    WHERE CAST(:area_patterns AS text[]) IS NULL
       OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[])))
    GROUP BY h.kode_kelurahan
)
SELECT w.kode, w.nama, w.level, w.parent_kode, w.luas_km2,
       ST_Y(w.label_point) AS label_lat, ST_X(w.label_point) AS label_lon,
       coalesce((SELECT sum(p.n) FROM per_kelurahan p
                 WHERE p.kode = w.kode OR p.kode LIKE w.kode || '.%'), 0)::int
           AS jumlah_rumah_tangga
FROM wilayah w
WHERE (CAST(:level AS text) IS NULL OR w.level = :level)
  AND (CAST(:parent_below AS text) IS NULL OR w.kode LIKE :parent_below)
ORDER BY w.kode
