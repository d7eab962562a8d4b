-- Constants the service sends as bind parameters are pgbench variables here, so both
-- get the same prepared statements and the same generic plans.
-- The SQL of GET /api/v1/innovations/{id} for the public (bench/wrk.lua "get"), as the
-- service sends it (RUST_LOG=inovik::sql=trace shows it); launched ids as in wrk.lua.
\set launched 4
\set delivery 4
\set display 5
\set one 1
\set page_plus_one 21
\set offset 0
\set id 5 * random(0, :innovations / 5 - 1) + 3 + random(0, 1)
SELECT "innovations"."id", "innovations"."cohort_id", "innovations"."agency_id", "innovations"."name", "innovations"."acronym_expansion", "innovations"."initiator_type", "innovations"."initiator_name", "innovations"."form", "innovations"."digital", "innovations"."government_affairs", "innovations"."problem", "innovations"."approach", "innovations"."goals", "innovations"."benefits", "innovations"."results", "innovations"."beneficiaries", "innovations"."beneficiaries_target", "innovations"."trial_on", "innovations"."launched_on", "innovations"."lab_stage", "innovations"."stage_rank", "innovations"."status", "innovations"."search_text", "innovations"."version", "innovations"."created_at", "innovations"."updated_at", "agencies"."code", "agencies"."name", "cohorts"."name" FROM (("innovations" INNER JOIN "agencies" ON ("innovations"."agency_id" = "agencies"."id")) INNER JOIN "cohorts" ON ("innovations"."cohort_id" = "cohorts"."id")) WHERE ("innovations"."id" = :id) LIMIT :one;
