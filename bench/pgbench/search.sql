-- A q search page of 20 with its total (bench/wrk.lua "search"): one of ten words.
\set launched 4
\set delivery 4
\set display 5
\set one 1
\set page_plus_one 21
\set offset 0
\set word random(1, 10)
SELECT COUNT(*) FROM "innovations" WHERE (("innovations"."stage_rank" >= :launched) AND ("innovations"."search_text" LIKE '%' || (ARRAY['tanah', 'sehat', 'pajak', 'sekolah', 'legal', 'umkm', 'air', 'jalan', 'pasar', 'ternak'])[:word] || '%' ESCAPE '\'));
SELECT "innovations"."id", "innovations"."cohort_id", "innovations"."agency_id", "innovations"."name", "innovations"."acronym_expansion", "innovations"."initiator_type", "innovations"."initiator_name", "innovations"."form", "innovations"."digital", "innovations"."government_affairs", "innovations"."problem", "innovations"."approach", "innovations"."goals", "innovations"."benefits", "innovations"."results", "innovations"."beneficiaries", "innovations"."beneficiaries_target", "innovations"."trial_on", "innovations"."launched_on", "innovations"."lab_stage", "innovations"."stage_rank", "innovations"."status", "innovations"."search_text", "innovations"."version", "innovations"."created_at", "innovations"."updated_at", "agencies"."code", "agencies"."name", "cohorts"."name" FROM (("innovations" INNER JOIN "agencies" ON ("innovations"."agency_id" = "agencies"."id")) INNER JOIN "cohorts" ON ("innovations"."cohort_id" = "cohorts"."id")) WHERE (("innovations"."stage_rank" >= :launched) AND ("innovations"."search_text" LIKE '%' || (ARRAY['tanah', 'sehat', 'pajak', 'sekolah', 'legal', 'umkm', 'air', 'jalan', 'pasar', 'ternak'])[:word] || '%' ESCAPE '\')) ORDER BY "innovations"."name" ASC, "innovations"."id" ASC LIMIT :page_plus_one OFFSET :offset;
