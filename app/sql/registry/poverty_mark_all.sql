-- Every kelurahan's stored FGT sums lag (migration 0020): after a change too wide to list, a
-- bulk upsert or a re-geocode. The next coverage refresh rewrites them all.
INSERT INTO poverty_stale (kode_kabkota, kode_kelurahan) VALUES ('*', '*') ON CONFLICT DO NOTHING
