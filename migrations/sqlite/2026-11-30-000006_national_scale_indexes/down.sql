CREATE INDEX innovations_lab_stage_idx ON innovations (lab_stage);
DROP INDEX innovations_rank_stage_idx;
CREATE INDEX innovations_agency_id_idx ON innovations (agency_id);
CREATE INDEX innovations_cohort_id_idx ON innovations (cohort_id);
DROP INDEX innovations_agency_rank_idx;
DROP INDEX innovations_cohort_rank_idx;
