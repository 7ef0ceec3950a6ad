-- Unmatched and ambiguous enrollment rows (masked keys) of a program / agency / batch (NULL =
-- any), for the agency to correct. An ambiguous row is in scope by its household's kelurahan;
-- an unmatched row has none, so by the region digits its NIK/No. KK begins with (digits, the
-- province/kab-kota/kecamatan digits of the caller's areas; empty = everywhere).
SELECT e.batch_id, e.nomor_baris, p.kode_program, p.instansi, e.kunci, e.kunci_tampil,
       e.tanggal_mulai, e.tanggal_selesai, e.status, h.id_keluarga
FROM enrollment e
JOIN program p ON p.id = e.program_id
LEFT JOIN household h ON h.kode_kabkota = e.kode_kabkota AND h.id = e.household_id
WHERE e.status IN ('unmatched', 'ambiguous')
  AND (CAST(:prog AS text) IS NULL OR p.kode_program = :prog)
  AND (CAST(:ag AS text) IS NULL OR p.instansi = :ag)
  AND (CAST(:batch AS int) IS NULL OR e.batch_id = :batch)
  AND CASE WHEN h.id IS NOT NULL
           THEN CAST(:area_patterns AS text[]) IS NULL
                OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
                    AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
                    AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[])))
           ELSE cardinality(CAST(:digits AS text[])) = 0
                OR EXISTS (SELECT 1 FROM unnest(CAST(:digits AS text[])) AS d(prefix)
                           WHERE left(e.kunci_tampil, length(d.prefix)) = d.prefix)
      END
ORDER BY e.batch_id, e.nomor_baris, h.id_keluarga
