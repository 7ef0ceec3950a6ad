-- The heads of the kecamatan that rows with only an unknown No. KK name, one row per
-- kecamatan with its household ids and head names as two arrays in the same order: the names
-- are compared in Python with rapidfuzz, and a million names cross as a few dozen arrays
-- instead of a million rows.
SELECT left(kode_kelurahan, 8) AS kecamatan, array_agg(id ORDER BY id) AS ids,
       array_agg(nama_kepala ORDER BY id) AS names
FROM household
WHERE left(kode_kelurahan, 8) = ANY (CAST(:kecamatan AS text[]))
GROUP BY 1
