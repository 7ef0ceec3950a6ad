-- Write the possible_duplicate flags judged into household_judged (those that change); returns
-- how many households of the import batch are flagged.
WITH changed AS (
    UPDATE household h
    SET flags = CASE WHEN j.duplicate THEN array_append(h.flags, 'possible_duplicate')
                     ELSE array_remove(h.flags, 'possible_duplicate') END
    FROM household_judged j
    WHERE j.duplicate <> j.flagged AND j.kode_kabkota = h.kode_kabkota AND j.id = h.id
)
SELECT count(*) AS flagged FROM household_judged WHERE duplicate AND of_batch
