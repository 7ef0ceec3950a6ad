-- People born on a row's birth date in the row's kecamatan (the name + birth date evidence):
-- members carry the birth date (a head listed in the members file too). One scan of member
-- hashed against the rows, whatever the registry's size. A member meets its household by the
-- kab/kota too: on Citus both live on that kab/kota's shard (co-located join).
SELECT q.ref, h.id, h.kode_kelurahan, m.nama, m.tanggal_lahir
FROM unnest(CAST(:refs AS bigint[]), CAST(:kecamatan AS text[]), CAST(:born AS date[]))
     AS q(ref, kecamatan, born)
JOIN member m ON m.tanggal_lahir = q.born
JOIN household h ON h.kode_kabkota = m.kode_kabkota AND h.id = m.household_id
                AND left(h.kode_kelurahan, 8) = q.kecamatan
