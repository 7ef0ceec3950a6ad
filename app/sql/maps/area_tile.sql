-- One Mapbox Vector Tile (:z/:x/:y, layer :layer, extent 4096) of area aggregates: one point
-- per area inside the tile, carrying the figures already computed (and, for roles that may
-- not see persons, already suppressed) by the coverage service, passed as parallel arrays.
-- The point is the area's interior label point, or, for an area whose own boundary is not
-- loaded (a kota known only by its kelurahan), the centroid of its loaded sub-areas' points.
-- Counts travel as text: a suppressed count is "<5".
-- The margin is clipped to the world before it is reprojected (maps/area_tile_parents.sql).
WITH env AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS m,
           ST_Transform(ST_ClipByBox2D(ST_TileEnvelope(:z, :x, :y, margin => 0.02),
                                        ST_TileEnvelope(0, 0, 0)::box2d), 4326) AS g
),
placed AS (
    SELECT a.*, w.nama,
           coalesce(w.label_point,
                    (SELECT ST_Centroid(ST_Collect(c.label_point)) FROM wilayah c
                     WHERE c.kode LIKE a.kode || '.%')) AS p
    FROM unnest(CAST(:kode AS text[]), CAST(:targets AS text[]), CAST(:covered AS text[]),
                CAST(:gap AS text[]), CAST(:overlap AS text[]))
             AS a(kode, targets, covered, gap, overlap)
    LEFT JOIN wilayah w ON w.kode = a.kode
),
mvt AS (
    SELECT ST_AsMVTGeom(ST_Transform(p, 3857), env.m, 4096, 64, true) AS geom,
           kode, nama, targets, covered, gap, overlap, true AS cluster
    FROM placed, env
    WHERE p && env.g
)
SELECT ST_AsMVT(mvt, :layer, 4096, 'geom') FROM mvt WHERE geom IS NOT NULL
