-- GET /api/v1/stats/innovations?group_by=lab_stage for the public (grouped by rank too:
-- the service reads the groups in index order).
SELECT "innovations"."stage_rank", "innovations"."lab_stage", COUNT(*) FROM "innovations" WHERE ("innovations"."stage_rank" >= :launched) GROUP BY "innovations"."stage_rank", "innovations"."lab_stage";
