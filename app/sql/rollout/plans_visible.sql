-- Stored plans visible to the caller: every area of every wave lies within the caller's scope.
SELECT rp.id, rp.nama, rp.deskripsi, rp.wilayah_induk, rp.tanggal_acuan, rp.desil_maks,
       rp.garis_kemiskinan, rp.bobot, rp.dibuat_oleh, rp.dibuat, rp.diperbarui,
       (SELECT count(*) FROM rollout_wave w WHERE w.plan_id = rp.id) AS jumlah_gelombang
FROM rollout_plan rp
WHERE NOT EXISTS (
    SELECT 1 FROM rollout_wave w CROSS JOIN LATERAL unnest(w.wilayah) AS a(kode)
    WHERE w.plan_id = rp.id
      AND NOT (CAST(:area_patterns AS text[]) IS NULL
               OR (a.kode ~>=~ CAST(:area_from AS text)
                   AND a.kode ~<~ CAST(:area_to AS text)
                   AND a.kode LIKE ANY (CAST(:area_patterns AS text[])))))
ORDER BY rp.id
