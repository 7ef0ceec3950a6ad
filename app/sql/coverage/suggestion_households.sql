-- The candidate households of listed suggestions, by id (a household that moved kab/kota
-- keeps its id).
SELECT id, id_keluarga, nama_kepala, no_kk_mask, nik_kepala_mask
FROM household
WHERE id = ANY (CAST(:ids AS bigint[]))
