-- Take out of the staged chunk the rows an area-bound uploader may not write: an effective
-- kelurahan outside their area, or an id_keluarga already held by a household outside it
-- (updating it would write there). The caller refuses them with one reason for both.
DELETE FROM household_staging s
WHERE NOT s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))
   OR EXISTS (SELECT 1 FROM household h
              WHERE h.id_keluarga = s.id_keluarga
                AND NOT h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[])))
RETURNING s.id_keluarga
