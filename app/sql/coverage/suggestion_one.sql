-- One suggestion to decide, locked with its enrollment row; in_scope: the candidate household
-- lies in the caller's areas.
SELECT s.id, s.enrollment_id, s.household_id, s.kode_kelurahan, s.status, e.nomor_baris,
       e.household_id AS matched, e.kunci_hash, p.instansi,
       (CAST(:area_patterns AS text[]) IS NULL
        OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
            AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
            AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[])))) AS in_scope
FROM match_suggestion s
JOIN enrollment e ON e.id = s.enrollment_id
JOIN program p ON p.id = e.program_id
WHERE s.id = :id
FOR UPDATE OF s, e
