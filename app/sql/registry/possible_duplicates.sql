-- Households sharing a head NIK digest or a No. KK digest (possible duplicates), one row per
-- household per group, within the caller's scope. Identity numbers only masked.
WITH groups AS (
    SELECT 'nik_kepala' AS dasar, nik_kepala_hash AS kunci FROM household
    GROUP BY nik_kepala_hash HAVING count(*) > 1
    UNION ALL
    SELECT 'no_kk', no_kk_hash FROM household GROUP BY no_kk_hash HAVING count(*) > 1
),
members AS (
    SELECT g.dasar, g.kunci, h.* FROM groups g
    JOIN household h ON g.dasar = 'nik_kepala' AND h.nik_kepala_hash = g.kunci
    UNION ALL
    SELECT g.dasar, g.kunci, h.* FROM groups g
    JOIN household h ON g.dasar = 'no_kk' AND h.no_kk_hash = g.kunci
)
SELECT dense_rank() OVER (ORDER BY dasar, kunci) AS grup, dasar, h.id_keluarga,
       h.nama_kepala, h.kode_kelurahan, h.nik_kepala_mask, h.no_kk_mask, h.batch_id
FROM members h
WHERE CAST(:area_patterns AS text[]) IS NULL
   OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
       AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
       AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[])))
ORDER BY grup, h.id_keluarga
