-- A filtered page of 20 with its total (bench/wrk.lua "list"): the count (on the
-- innovations table alone), then the rows with their agency's and cohort's names.
\set launched 4
\set delivery 4
\set display 5
\set one 1
\set page_plus_one 21
\set offset 0
\set cohort random(1, :cohorts)
SELECT COUNT(*) FROM "innovations" WHERE ((("innovations"."stage_rank" >= :launched) AND ("innovations"."cohort_id" = :cohort)) AND ("innovations"."stage_rank" = ANY(ARRAY[:delivery, :display]::bigint[])));
SELECT "innovations"."id", "innovations"."cohort_id", "innovations"."agency_id", "innovations"."name", "innovations"."acronym_expansion", "innovations"."initiator_type", "innovations"."initiator_name", "innovations"."form", "innovations"."digital", "innovations"."government_affairs", "innovations"."problem", "innovations"."approach", "innovations"."goals", "innovations"."benefits", "innovations"."results", "innovations"."beneficiaries", "innovations"."beneficiaries_target", "innovations"."trial_on", "innovations"."launched_on", "innovations"."lab_stage", "innovations"."stage_rank", "innovations"."status", "innovations"."search_text", "innovations"."version", "innovations"."created_at", "innovations"."updated_at", "agencies"."code", "agencies"."name", "cohorts"."name" FROM (("innovations" INNER JOIN "agencies" ON ("innovations"."agency_id" = "agencies"."id")) INNER JOIN "cohorts" ON ("innovations"."cohort_id" = "cohorts"."id")) WHERE ((("innovations"."stage_rank" >= :launched) AND ("innovations"."cohort_id" = :cohort)) AND ("innovations"."stage_rank" = ANY(ARRAY[:delivery, :display]::bigint[]))) ORDER BY "innovations"."name" ASC, "innovations"."id" ASC LIMIT :page_plus_one OFFSET :offset;
