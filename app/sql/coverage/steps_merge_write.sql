-- Replace the stored steps of the groups a partial rebuild changed (step_change) by their
-- folded rows (step_merged, steps_merge_fold.sql), except in the kelurahan :skip (stale or
-- not matching their changes), which the caller recounts whole. A group left with no change
-- anywhere counts nobody and has no row, as after a full recount.
DELETE FROM coverage_step s
WHERE s.kode_kabkota = ANY (CAST(:kabs AS text[]))
  AND (s.kode_kelurahan, s.desil, s.terverifikasi) IN (
      SELECT kode_kelurahan, desil, terverifikasi FROM step_change
      WHERE kunci = '' AND kode_kelurahan <> ALL (CAST(:skip AS text[])));

DELETE FROM coverage_key_step s
WHERE s.kode_kabkota = ANY (CAST(:kabs AS text[]))
  AND (s.kunci, s.kode_kelurahan, s.desil, s.terverifikasi) IN (
      SELECT kunci, kode_kelurahan, desil, terverifikasi FROM step_change
      WHERE kunci <> '' AND kode_kelurahan <> ALL (CAST(:skip AS text[])));

INSERT INTO coverage_step (kode_kabkota, kode_kelurahan, desil, terverifikasi, berlaku,
                           households, overlap, overlap_agency, pairs)
SELECT kode_kabkota, kode_kelurahan, desil, terverifikasi, berlaku, households, overlap,
       overlap_agency, pairs
FROM step_merged
WHERE kunci = '' AND kode_kelurahan <> ALL (CAST(:skip AS text[]));

INSERT INTO coverage_key_step (kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi,
                               berlaku, households, overlap, overlap_agency, pairs)
SELECT kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi, berlaku, households,
       overlap, overlap_agency, pairs
FROM step_merged
WHERE kunci <> '' AND kode_kelurahan <> ALL (CAST(:skip AS text[]))
