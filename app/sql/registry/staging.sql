-- One chunk of accepted household rows, already hashed and geocoded (points EPSG:4326,
-- lon/lat), in app.services.household_load.COLUMNS order.
CREATE TEMPORARY TABLE IF NOT EXISTS household_staging (
    id_keluarga text NOT NULL,
    no_kk_hash bytea NOT NULL,
    no_kk_mask text NOT NULL,
    nik_kepala_hash bytea NOT NULL,
    nik_kepala_mask text NOT NULL,
    nama_kepala text NOT NULL,
    alamat text,
    kode_kelurahan_deklarasi text NOT NULL,
    kode_kelurahan text NOT NULL,
    geom geometry(Point, 4326),
    jumlah_anggota smallint NOT NULL,
    desil smallint NOT NULL,
    pengeluaran_per_kapita numeric(14, 2),
    status_verifikasi text NOT NULL,
    tanggal_verifikasi date,
    flags text[] NOT NULL,
    batch_id integer NOT NULL,
    kode_kabkota text NOT NULL,
    h3_cell bigint
) ON COMMIT DROP
