-- Target households (verified, desil <= :desil) per area code of :code_length characters
-- from the group counts, within the caller's scope. Kelurahan in :stale (changed since their
-- groups were counted) are left out here and counted from the registry instead.
SELECT left(g.kode_kelurahan, :code_length) AS kode, sum(g.households) AS targets
FROM coverage_group g
WHERE g.terverifikasi AND g.desil <= :desil
  AND (CAST(:area_patterns AS text[]) IS NULL
       OR (g.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND g.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND g.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR g.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
  AND NOT g.kode_kelurahan = ANY (CAST(:stale AS text[]))
GROUP BY 1
