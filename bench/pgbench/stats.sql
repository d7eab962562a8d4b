-- GET /api/v1/stats/innovations?group_by=lab_stage for the public.
SELECT "innovations"."lab_stage", COUNT(*) FROM (("innovations" INNER JOIN "agencies" ON ("innovations"."agency_id" = "agencies"."id")) INNER JOIN "cohorts" ON ("innovations"."cohort_id" = "cohorts"."id")) WHERE ("innovations"."stage_rank" >= 4) GROUP BY "innovations"."lab_stage";
