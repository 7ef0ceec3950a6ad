-- Registry people behind near-miss numbers: the :nik digests against household heads and
-- members, the :kk digests against households; each row carries the digest it was found by,
-- which the service maps back to the enrollment rows and reasons that asked for it. "= ANY" of
-- an array is one index lookup per digest (a bitmap index scan), so the cost follows the rows
-- asked about, not the size of the registry; on Citus every shard does the same lookups (the
-- digests say nothing of the kab/kota), and a member meets its household on its own shard.
SELECT 'nik' AS kind, nik_kepala_hash AS digest, id, kode_kelurahan, nama_kepala AS nama,
       CAST(NULL AS date) AS tanggal_lahir, true AS head
FROM household
WHERE nik_kepala_hash = ANY (CAST(:nik AS bytea[]))
UNION ALL
SELECT 'kk', no_kk_hash, id, kode_kelurahan, nama_kepala, NULL, true
FROM household
WHERE no_kk_hash = ANY (CAST(:kk AS bytea[]))
UNION ALL
SELECT 'nik', m.nik_hash, m.household_id, h.kode_kelurahan, m.nama, m.tanggal_lahir, false
FROM member m
JOIN household h ON h.kode_kabkota = m.kode_kabkota AND h.id = m.household_id
WHERE m.nik_hash = ANY (CAST(:nik AS bytea[]))
