-- Households whose possible_duplicate flag was just judged (registry/duplicates.sql or
-- registry/duplicates_all.sql): those whose flag changes, and the import batch's flagged ones.
-- registry/flags_apply.sql writes the flags and counts.
CREATE TEMPORARY TABLE IF NOT EXISTS household_judged (
    kode_kabkota text NOT NULL,
    id bigint NOT NULL,
    duplicate boolean NOT NULL,
    flagged boolean NOT NULL,
    of_batch boolean NOT NULL
) ON COMMIT DROP
