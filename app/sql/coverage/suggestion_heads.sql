-- The heads of the kecamatan that rows with only an unknown No. KK name, one row per
-- kecamatan with its household ids, kelurahan and head names as arrays in the same order: the
-- names are compared in Python with rapidfuzz, and a million names cross as a few dozen arrays
-- instead of a million rows. A kecamatan lies in one kab/kota: grouping by the kab/kota too
-- lets Citus build each kecamatan's arrays on its own shard, and the kab/kota filter keeps the
-- other shards out.
SELECT left(kode_kelurahan, 8) AS kecamatan, array_agg(id ORDER BY id) AS ids,
       array_agg(kode_kelurahan ORDER BY id) AS kelurahan,
       array_agg(nama_kepala ORDER BY id) AS names
FROM household
WHERE kode_kabkota = ANY (CAST(:kabkota AS text[]))
  AND left(kode_kelurahan, 8) = ANY (CAST(:kecamatan AS text[]))
GROUP BY kode_kabkota, left(kode_kelurahan, 8)
