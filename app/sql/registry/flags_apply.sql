-- Write the possible_duplicate flags judged into household_judged; returns how many households
-- of the import batch are flagged, and how many flags changed.
WITH judged AS MATERIALIZED (
    SELECT kode_kabkota, id, duplicate FROM household_judged WHERE duplicate <> flagged
),
changed AS (
    UPDATE household h
    SET flags = CASE WHEN j.duplicate THEN array_append(h.flags, 'possible_duplicate')
                     ELSE array_remove(h.flags, 'possible_duplicate') END
    FROM judged j
    WHERE j.kode_kabkota = h.kode_kabkota AND j.id = h.id
    RETURNING h.id
)
SELECT (SELECT count(*) FROM household_judged WHERE duplicate AND of_batch) AS flagged,
       (SELECT count(*) FROM changed) AS changed
