-- GET /api/v1/stats/innovations?group_by=lab_stage for the public (grouped by rank too:
-- the service reads the groups in index order).
\set launched 4
\set delivery 4
\set display 5
\set one 1
\set page_plus_one 21
\set offset 0
SELECT "innovations"."stage_rank", "innovations"."lab_stage", COUNT(*) FROM "innovations" WHERE ("innovations"."stage_rank" >= :launched) GROUP BY "innovations"."stage_rank", "innovations"."lab_stage";
