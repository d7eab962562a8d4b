-- GET /api/v1/stats/innovations?group_by=lab_stage for the public.
SELECT "innovations"."lab_stage", COUNT(*) FROM "innovations" WHERE ("innovations"."stage_rank" >= 4) GROUP BY "innovations"."lab_stage";
