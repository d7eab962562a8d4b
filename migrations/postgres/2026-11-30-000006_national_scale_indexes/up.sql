-- Indexes for the registry at national scale (bench/README.md, 1M innovations).
--
-- Almost every public read filters on `stage_rank >= 4` (launched only), and a stage filter
-- is a rank filter too, so the agency and cohort indexes carry the rank: a filtered page's
-- `total` is then counted from the index alone.
CREATE INDEX innovations_cohort_rank_idx ON innovations (cohort_id, stage_rank);
CREATE INDEX innovations_agency_rank_idx ON innovations (agency_id, stage_rank);
DROP INDEX innovations_cohort_id_idx;
DROP INDEX innovations_agency_id_idx;
-- Counts by stage for the dashboards, from the index alone.
CREATE INDEX innovations_rank_stage_idx ON innovations (stage_rank, lab_stage);
-- Stage filters go by rank now; the stage index only tempted SQLite into reading the
-- table in stage order for the counts.
DROP INDEX innovations_lab_stage_idx;

-- `q` is a substring search (`search_text LIKE '%word%'`): without trigrams it reads every
-- row. pg_trgm ships with PostgreSQL and is a trusted extension (the database owner may
-- create it). Queries of one or two characters still read every row.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX innovations_search_trgm_idx ON innovations USING gin (search_text gin_trgm_ops);
CREATE INDEX agencies_search_trgm_idx ON agencies USING gin (search_text gin_trgm_ops);
