-- Unmatched enrollment rows active on ref, per program (they have no household, so no area).
SELECT program_id, count(*) AS n
FROM enrollment
WHERE status = 'unmatched' AND tanggal_mulai <= :ref
  AND (tanggal_selesai IS NULL OR :ref <= tanggal_selesai)
GROUP BY 1
