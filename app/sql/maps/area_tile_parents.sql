-- The kab/kota (first five characters of the code) of every loaded area whose label point
-- lies in tile :z/:x/:y (with the tiles' 2 % margin): the area aggregates of the tile are
-- computed under these parents only, not for the whole data set. The margin is clipped to the
-- world first: beyond +-180 degrees ST_Transform wraps it to the other side, and the last column
-- of tiles (z1: 0-180 E; z2: 90-180 E, all of Indonesia) got the western hemisphere's areas.
SELECT DISTINCT left(w.kode, 5)
FROM wilayah w
WHERE w.label_point && ST_Transform(ST_ClipByBox2D(ST_TileEnvelope(:z, :x, :y, margin => 0.02),
                                        ST_TileEnvelope(0, 0, 0)::box2d), 4326)
ORDER BY 1
