-- Each target household's point (its kelurahan's interior point when it has no coordinates),
-- EPSG:4326, and its number of active programs on ref among pids (NULL = all programs),
-- from the same coverage segments as the figures; within the caller's scope.
SELECT ST_Y(coalesce(h.geom, w.label_point)) AS lat, ST_X(coalesce(h.geom, w.label_point)) AS lon,
       coalesce(CASE WHEN CAST(:pids AS int[]) IS NULL THEN s.n_program
                     ELSE (SELECT count(*) FROM unnest(s.program_ids) AS sp(id)
                           WHERE sp.id = ANY (CAST(:pids AS int[]))) END, 0) AS n
FROM household h
JOIN wilayah w ON w.kode = h.kode_kelurahan
LEFT JOIN coverage_segment s ON s.kode_kabkota = h.kode_kabkota AND s.household_id = h.id
     AND s.dari <= :ref AND :ref < s.sampai
WHERE h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
