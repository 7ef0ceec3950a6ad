-- The changes a partial segment rebuild makes to the coverage steps (coverage/step_changes.sql)
-- before they are folded into the stored rows (coverage/steps_merge_fold.sql): per key ('' for
-- all programs, coverage_step; 'p<id>' / 'a<agency>' for coverage_key_step), group and date,
-- the amount each counter changes from that date on. Emptied first: one transaction may
-- rebuild the segments of several batches.
CREATE TEMPORARY TABLE IF NOT EXISTS step_change (
    kunci text COLLATE "C" NOT NULL,
    kode_kabkota text COLLATE "C" NOT NULL,
    kode_kelurahan text COLLATE "C" NOT NULL,
    desil smallint NOT NULL,
    terverifikasi boolean NOT NULL,
    t date NOT NULL,
    dh integer NOT NULL,
    dov integer NOT NULL,
    dag integer NOT NULL,
    dp integer NOT NULL
) ON COMMIT DROP;
TRUNCATE step_change
