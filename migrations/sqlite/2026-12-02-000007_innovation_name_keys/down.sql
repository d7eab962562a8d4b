DROP INDEX IF EXISTS innovations_unkeyed_idx;
DROP INDEX IF EXISTS innovations_cohort_name_key_folded;
ALTER TABLE innovations DROP COLUMN name_key;
