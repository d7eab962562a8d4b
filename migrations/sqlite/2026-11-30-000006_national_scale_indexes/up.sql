-- Indexes for larger registries (see the PostgreSQL migration of the same name). SQLite has
-- no trigram index: `q` reads every row there.
CREATE INDEX innovations_cohort_rank_idx ON innovations (cohort_id, stage_rank);
CREATE INDEX innovations_agency_rank_idx ON innovations (agency_id, stage_rank);
DROP INDEX innovations_cohort_id_idx;
DROP INDEX innovations_agency_id_idx;
CREATE INDEX innovations_rank_stage_idx ON innovations (stage_rank, lab_stage);
-- Stage filters go by rank now; the stage index only tempted SQLite into reading the
-- table in stage order for the counts.
DROP INDEX innovations_lab_stage_idx;
