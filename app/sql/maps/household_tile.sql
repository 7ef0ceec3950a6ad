-- One Mapbox Vector Tile (:z/:x/:y, layer name :layer, extent 4096) of target households
-- (verified, desil <= :desil) within the caller's scope, each with its number of distinct
-- programs active on :ref among :pids (NULL = all) and status gap / one / overlap;
-- :enrolled_only keeps only enrolled households (a program's layer). Surveyed points are found
-- through the spatial index, households without coordinates through their kelurahan's
-- interior point and the partial index of households without a point: one UNION ALL, no full
-- scan. The number of programs comes with the point, from the coverage timeline on the
-- household's row (coverage/timeline_refresh.sql: counts[width_bucket(:ref, cuts)], no probe).
-- With a program filter (:pids) it comes from the household's one coverage segment containing
-- :ref (its active program ids), one index probe per point. The two ways are two branches of
-- a UNION ALL, each kept or dropped whole by its condition on :pids: a LEFT JOIN switched off
-- by its own condition still cost 1.1 ms a tile at 10 M, and a correlated count in a CASE made
-- the filtered tile 26 % slower than the join (docs/performance.md).
-- Geometry: EPSG:4326 points reprojected to Web Mercator.
-- The margin is clipped to the world before it is reprojected (maps/area_tile_parents.sql).
WITH env AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS m,
           ST_Transform(ST_ClipByBox2D(ST_TileEnvelope(:z, :x, :y, margin => 0.02),
                                        ST_TileEnvelope(0, 0, 0)::box2d), 4326) AS g
),
pts AS NOT MATERIALIZED (
    SELECT h.kode_kabkota, h.id, h.kode_kelurahan, h.desil, h.geom AS g, false AS no_coords,
           h.coverage_cuts, h.coverage_counts
    FROM household h, env
    WHERE h.geom && env.g AND h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil
      AND (CAST(:area_patterns AS text[]) IS NULL
           OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
               AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
               AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
    UNION ALL
    SELECT h.kode_kabkota, h.id, h.kode_kelurahan, h.desil, w.label_point, true,
           h.coverage_cuts, h.coverage_counts
    FROM wilayah w JOIN household h ON h.kode_kelurahan = w.kode AND h.geom IS NULL, env
    WHERE w.label_point && env.g AND h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil
      AND (CAST(:area_patterns AS text[]) IS NULL
           OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
               AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
               AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
),
counted AS (
    SELECT pts.*,
           coalesce(pts.coverage_counts[width_bucket(CAST(:ref AS date), pts.coverage_cuts)],
                    0) AS n
    FROM pts
    WHERE CAST(:pids AS int[]) IS NULL
    UNION ALL
    SELECT pts.*,
           coalesce((SELECT count(*) FROM unnest(s.program_ids) AS sp(id)
                     WHERE sp.id = ANY (CAST(:pids AS int[]))), 0)
    FROM pts
    LEFT JOIN coverage_segment s ON s.kode_kabkota = pts.kode_kabkota
                                AND s.household_id = pts.id AND s.dari <= CAST(:ref AS date)
                                AND CAST(:ref AS date) < s.sampai
    WHERE CAST(:pids AS int[]) IS NOT NULL
),
mvt AS MATERIALIZED (  -- Citus: named columns reach the coordinator, not records
    SELECT ST_AsMVTGeom(ST_Transform(c.g, 3857), env.m, 4096, 64, true) AS geom,
           c.id, c.kode_kelurahan, c.desil, c.no_coords, c.n AS programs,
           CASE WHEN c.n = 0 THEN 'gap' WHEN c.n = 1 THEN 'one' ELSE 'overlap' END AS status
    FROM counted c, env
    WHERE (:enrolled_only = false OR c.n > 0)
)
SELECT ST_AsMVT(mvt, :layer, 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
