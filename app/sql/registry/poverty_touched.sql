-- Kelurahan whose stored FGT sums (migration 0020) the staged chunk's upsert is about to change:
-- the old and the new kelurahan of every household whose kelurahan, size or expenditure it
-- changes (a new household marks its kelurahan through the insert trigger, coverage_stale).
-- Before the upsert; on Citus after the moved households were relocated (registry/touched.sql).
WITH changed AS MATERIALIZED (
    SELECT h.kode_kabkota AS old_kabkota, h.kode_kelurahan AS old_kelurahan,
           s.kode_kabkota AS new_kabkota, s.kode_kelurahan AS new_kelurahan
    FROM household_staging s
    JOIN household h ON h.id_keluarga = s.id_keluarga
    WHERE (h.kode_kelurahan, h.jumlah_anggota, h.pengeluaran_per_kapita)
          IS DISTINCT FROM (s.kode_kelurahan, s.jumlah_anggota, s.pengeluaran_per_kapita)
)
INSERT INTO poverty_stale (kode_kabkota, kode_kelurahan)
SELECT old_kabkota, old_kelurahan FROM changed
UNION
SELECT new_kabkota, new_kelurahan FROM changed
ON CONFLICT DO NOTHING
