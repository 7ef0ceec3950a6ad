-- The kab/kota (first five characters of the code) of every loaded area whose label point
-- lies in tile :z/:x/:y (with the tiles' 2 % margin): the area aggregates of the tile are
-- computed under these parents only, not for the whole data set.
SELECT DISTINCT left(w.kode, 5)
FROM wilayah w
WHERE w.label_point && ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.02), 4326)
ORDER BY 1
