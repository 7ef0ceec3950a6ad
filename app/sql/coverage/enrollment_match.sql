-- Match staged enrollment rows to households: id_keluarga, then no_kk, then nik (head or any
-- member); the first given key that matches decides. A key shared by several households
-- matches all of them (status 'ambiguous'). Rows that match nothing are kept as 'unmatched'.
-- An area-bound uploader (:area_patterns) matches only households of their area: the others do
-- not exist for them (the service then refuses the rows that matched nothing).
CREATE TEMP TABLE enrollment_match ON COMMIT DROP AS
WITH visible AS (
    SELECT h.* FROM household h
    WHERE CAST(:area_patterns AS text[]) IS NULL
       OR h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))
), by_id AS (
    SELECT st.nomor_baris, h.id AS household_id, 'id_keluarga' AS kunci, st.id_hash AS kunci_hash,
           st.id_keluarga AS kunci_tampil, h.kode_kabkota
    FROM enrollment_stage st JOIN visible h ON h.id_keluarga = st.id_keluarga
), by_kk AS (
    SELECT st.nomor_baris, h.id, 'no_kk', st.kk_hash, st.kk_mask, h.kode_kabkota
    FROM enrollment_stage st JOIN visible h ON h.no_kk_hash = st.kk_hash
    WHERE NOT EXISTS (SELECT 1 FROM by_id b WHERE b.nomor_baris = st.nomor_baris)
), nik_hits AS (
    SELECT st.nomor_baris, h.id AS household_id, st.nik_hash, st.nik_mask, h.kode_kabkota
    FROM enrollment_stage st JOIN visible h ON h.nik_kepala_hash = st.nik_hash
    UNION
    SELECT st.nomor_baris, m.household_id, st.nik_hash, st.nik_mask, m.kode_kabkota
    FROM enrollment_stage st JOIN member m ON m.nik_hash = st.nik_hash
    JOIN visible h ON h.id = m.household_id
), by_nik AS (
    SELECT n.nomor_baris, n.household_id, 'nik', n.nik_hash, n.nik_mask, n.kode_kabkota
    FROM nik_hits n
    WHERE NOT EXISTS (SELECT 1 FROM by_id b WHERE b.nomor_baris = n.nomor_baris)
      AND NOT EXISTS (SELECT 1 FROM by_kk k WHERE k.nomor_baris = n.nomor_baris)
)
SELECT * FROM by_id UNION ALL SELECT * FROM by_kk UNION ALL SELECT * FROM by_nik;

-- A row kept as unmatched by an earlier upload that matches now (the registry grew): the new
-- match replaces it, so re-uploading a list after a registry import settles it.
DELETE FROM enrollment e USING enrollment_stage st
WHERE e.kode_kabkota = '' AND e.household_id IS NULL AND e.program_id = st.program_id
  AND e.kunci = st.first_key
  AND e.kunci_hash IS NOT DISTINCT FROM CASE st.first_key WHEN 'id_keluarga' THEN st.id_hash
                                WHEN 'no_kk' THEN st.kk_hash ELSE st.nik_hash END
  AND e.tanggal_mulai = st.mulai AND e.tanggal_selesai IS NOT DISTINCT FROM st.selesai
  AND st.nomor_baris IN (SELECT nomor_baris FROM enrollment_match);

INSERT INTO enrollment (program_id, household_id, batch_id, nomor_baris, kunci, kunci_hash,
                        kunci_tampil, tanggal_mulai, tanggal_selesai, status, kode_kabkota)
SELECT st.program_id, m.household_id, :batch, st.nomor_baris, m.kunci, m.kunci_hash,
       m.kunci_tampil, st.mulai, st.selesai,
       CASE WHEN count(*) OVER (PARTITION BY st.nomor_baris) > 1 THEN 'ambiguous'
            ELSE 'matched' END, m.kode_kabkota
FROM enrollment_stage st JOIN enrollment_match m ON m.nomor_baris = st.nomor_baris
LEFT JOIN enrollment e  -- already enrolled: an anti-join (Citus plans no correlated subquery)
       ON e.kode_kabkota = m.kode_kabkota AND e.program_id = st.program_id
      AND e.household_id = m.household_id
      AND e.kunci_hash = m.kunci_hash AND e.tanggal_mulai = st.mulai
      AND e.tanggal_selesai IS NOT DISTINCT FROM st.selesai
WHERE e.id IS NULL;

INSERT INTO enrollment (program_id, household_id, batch_id, nomor_baris, kunci, kunci_hash,
                        kunci_tampil, tanggal_mulai, tanggal_selesai, status, kode_kabkota)
SELECT st.program_id, NULL, :batch, st.nomor_baris, st.first_key,
       CASE st.first_key WHEN 'id_keluarga' THEN st.id_hash WHEN 'no_kk' THEN st.kk_hash
                         ELSE st.nik_hash END,
       CASE st.first_key WHEN 'id_keluarga' THEN st.id_keluarga WHEN 'no_kk' THEN st.kk_mask
                         ELSE st.nik_mask END,
       st.mulai, st.selesai, 'unmatched', ''
FROM enrollment_stage st
LEFT JOIN enrollment e  -- already kept as unmatched
       ON e.kode_kabkota = '' AND e.program_id = st.program_id AND e.household_id IS NULL
      AND e.kunci = st.first_key
      AND e.kunci_tampil = CASE st.first_key WHEN 'id_keluarga' THEN st.id_keluarga
                                WHEN 'no_kk' THEN st.kk_mask ELSE st.nik_mask END
      AND e.kunci_hash IS NOT DISTINCT FROM CASE st.first_key WHEN 'id_keluarga' THEN st.id_hash
                                WHEN 'no_kk' THEN st.kk_hash ELSE st.nik_hash END
      AND e.tanggal_mulai = st.mulai AND e.tanggal_selesai IS NOT DISTINCT FROM st.selesai
WHERE st.nomor_baris NOT IN (SELECT nomor_baris FROM enrollment_match) AND e.id IS NULL;
