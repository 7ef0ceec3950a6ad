-- Registry people behind near-miss numbers (the rows of the temporary suggestion_probe:
-- digest, the row's ref, the reason): NIK variants against household heads and members, No. KK
-- variants against households. Each variant is one index lookup (LATERAL ... OFFSET 0 keeps
-- the planner from hashing the whole registry instead), so the cost follows the rows asked
-- about, not the size of the registry.
SELECT p.ref, p.reason, h.id, h.kode_kelurahan, h.nama_kepala AS nama,
       CAST(NULL AS date) AS tanggal_lahir, true AS head
FROM suggestion_probe p CROSS JOIN LATERAL (
    SELECT id, kode_kelurahan, nama_kepala FROM household
    WHERE nik_kepala_hash = p.digest OFFSET 0) AS h
WHERE p.kind = 'nik'
UNION ALL
SELECT p.ref, p.reason, h.id, h.kode_kelurahan, h.nama_kepala, NULL, true
FROM suggestion_probe p CROSS JOIN LATERAL (
    SELECT id, kode_kelurahan, nama_kepala FROM household
    WHERE no_kk_hash = p.digest OFFSET 0) AS h
WHERE p.kind = 'kk'
UNION ALL
SELECT p.ref, p.reason, m.household_id, h.kode_kelurahan, m.nama, m.tanggal_lahir, false
FROM suggestion_probe p CROSS JOIN LATERAL (
    SELECT household_id, nama, tanggal_lahir FROM member
    WHERE nik_hash = p.digest OFFSET 0) AS m
JOIN household h ON h.id = m.household_id
WHERE p.kind = 'nik'
