DROP INDEX agencies_search_trgm_idx;
DROP INDEX innovations_search_trgm_idx;
CREATE INDEX innovations_lab_stage_idx ON innovations (lab_stage);
DROP INDEX innovations_rank_stage_idx;
CREATE INDEX innovations_agency_id_idx ON innovations (agency_id);
CREATE INDEX innovations_cohort_id_idx ON innovations (cohort_id);
DROP INDEX innovations_agency_rank_idx;
DROP INDEX innovations_cohort_rank_idx;
-- pg_trgm stays: other objects may use it.
