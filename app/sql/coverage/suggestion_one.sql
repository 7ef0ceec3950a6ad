-- One suggestion to decide, locked; in_scope: the candidate household lies in the caller's
-- areas. Its enrollment row is read and locked by coverage/suggestion_enrollment.sql: on Citus
-- match_suggestion stays on the coordinator and enrollment is distributed, and one row lock
-- over both cannot be planned.
SELECT s.id, s.enrollment_id, s.household_id, s.kode_kelurahan, s.status,
       (CAST(:area_patterns AS text[]) IS NULL
        OR (s.kode_kelurahan ~>=~ CAST(:area_from AS text)
            AND s.kode_kelurahan ~<~ CAST(:area_to AS text)
            AND s.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[])))) AS in_scope
FROM match_suggestion s
WHERE s.id = :id
FOR UPDATE
