-- The unmatched enrollment row a suggestion is for, locked, with its program's agency. An
-- unmatched row lives in kab/kota '' (on Citus: one shard, so the lock is routed there); a row
-- matched since (confirmed, or matched by a later upload) is not found here.
SELECT e.nomor_baris, e.kunci_hash, p.instansi
FROM enrollment e
JOIN program p ON p.id = e.program_id
WHERE e.kode_kabkota = '' AND e.id = :id AND e.household_id IS NULL
FOR UPDATE OF e
