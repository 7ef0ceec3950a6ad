-- Upsert one staged chunk: a known id_keluarga is updated in place, nothing is duplicated.
-- Each id_keluarga appears once per chunk (repeats are rejected before staging). {key} is
-- id_keluarga, or on Citus (kode_kabkota, id_keluarga) after moved households were relocated
-- (app.services.registry.relocate); now() is taken from the SELECT, as Citus allows only
-- immutable functions in DO UPDATE.
WITH upserted AS (
    INSERT INTO household (
        id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash, nik_kepala_mask, nama_kepala,
        alamat, kode_kelurahan_deklarasi, kode_kelurahan, geom, jumlah_anggota, desil,
        pengeluaran_per_kapita, status_verifikasi, tanggal_verifikasi, flags, batch_id,
        kode_kabkota, h3_cell, diperbarui
    )
    SELECT id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash, nik_kepala_mask, nama_kepala,
           alamat, kode_kelurahan_deklarasi, kode_kelurahan, geom,
           jumlah_anggota, desil, pengeluaran_per_kapita, status_verifikasi, tanggal_verifikasi,
           flags, batch_id, kode_kabkota, h3_cell, now()
    FROM household_staging
    ON CONFLICT ({key}) DO UPDATE SET
        no_kk_hash = EXCLUDED.no_kk_hash, no_kk_mask = EXCLUDED.no_kk_mask,
        nik_kepala_hash = EXCLUDED.nik_kepala_hash, nik_kepala_mask = EXCLUDED.nik_kepala_mask,
        nama_kepala = EXCLUDED.nama_kepala, alamat = EXCLUDED.alamat,
        kode_kelurahan_deklarasi = EXCLUDED.kode_kelurahan_deklarasi,
        kode_kelurahan = EXCLUDED.kode_kelurahan, geom = EXCLUDED.geom,
        jumlah_anggota = EXCLUDED.jumlah_anggota, desil = EXCLUDED.desil,
        pengeluaran_per_kapita = EXCLUDED.pengeluaran_per_kapita,
        status_verifikasi = EXCLUDED.status_verifikasi,
        tanggal_verifikasi = EXCLUDED.tanggal_verifikasi,
        flags = EXCLUDED.flags, batch_id = EXCLUDED.batch_id,
        kode_kabkota = EXCLUDED.kode_kabkota, h3_cell = EXCLUDED.h3_cell,
        diperbarui = EXCLUDED.diperbarui
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS inserted,
       count(*) FILTER (WHERE NOT inserted) AS updated
FROM upserted
