-- POST /api/v1/innovations with an Idempotency-Key, statement for statement and
-- transaction for transaction: claim the key; look up the caller; in one transaction fence
-- the key, check the agency and cohort, insert the innovation, its first stage transition
-- and the audit event; read the innovation back; store the response under the key.
\set agency random(1, :agencies)
\set cohort ((:agency - 1) / 40) * 2 + 1
\set nonce random(1, 9000000000000000000)
BEGIN;
DELETE FROM "idempotency_keys" WHERE ("idempotency_keys"."expires_at" <= now());
SAVEPOINT claim;
INSERT INTO "idempotency_keys" ("scope", "idempotency_key", "request_hash", "state", "claim_token", "lease_until", "created_at", "expires_at") VALUES ('user:' || :user_id, 'pgbench-' || :client_id || '-' || :nonce, repeat('0', 64), 'pending', 'claim-token-of-thirty-two-chars.', now() + interval '1 minute', now(), now() + interval '1 day') RETURNING "idempotency_keys"."id" \gset key_
RELEASE SAVEPOINT claim;
COMMIT;
SELECT "users"."id", "users"."username", "users"."display_name", "users"."role", "users"."agency_id", "users"."active", "users"."password_hash", "users"."version", "users"."created_at", "users"."updated_at" FROM "users" WHERE (("users"."id" = :user_id) AND ("users"."active" = true)) LIMIT 1;
BEGIN;
UPDATE "idempotency_keys" SET "state" = 'committed' WHERE ((("idempotency_keys"."id" = :key_id) AND ("idempotency_keys"."claim_token" = 'claim-token-of-thirty-two-chars.')) AND ("idempotency_keys"."state" = ANY('{pending,committed}')));
SELECT "agencies"."active" FROM "agencies" WHERE ("agencies"."id" = :agency) LIMIT 1;
SELECT EXISTS (SELECT "cohorts"."id" FROM "cohorts" WHERE ("cohorts"."id" = :cohort));
INSERT INTO "innovations" ("cohort_id", "agency_id", "name", "acronym_expansion", "initiator_type", "initiator_name", "form", "digital", "government_affairs", "problem", "approach", "goals", "benefits", "results", "beneficiaries", "beneficiaries_target", "trial_on", "status", "search_text", "updated_at", "lab_stage", "stage_rank", "launched_on", "version", "created_at") VALUES (:cohort, :agency, 'Bench pgbench-' || :client_id || '-' || :nonce, DEFAULT, 'agency', DEFAULT, 'public_service', false, '[]', DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, 'draft', 'bench pgbench-' || :nonce, now(), 'drum_up', 1, NULL, 1, now()) RETURNING "innovations"."id" \gset innovation_
INSERT INTO "stage_transitions" ("innovation_id", "from_stage", "to_stage", "occurred_at", "actor_type", "actor_id", "actor_name", "note", "evidence_url", "reason", "launched_on") VALUES (:innovation_id, NULL, 'drum_up', now(), 'user', :user_id, 'bench-admin', 'created', NULL, NULL, NULL) RETURNING "stage_transitions"."id";
INSERT INTO "audit_events" ("occurred_at", "actor_type", "actor_id", "actor_name", "action", "resource_type", "resource_id", "request_id", "before", "after") VALUES (now(), 'user', :user_id, 'bench-admin', 'innovation.create', 'innovation', :innovation_id, 'pgbench', DEFAULT, repeat('x', 700));
COMMIT;
SELECT "innovations"."id", "innovations"."cohort_id", "innovations"."agency_id", "innovations"."name", "innovations"."acronym_expansion", "innovations"."initiator_type", "innovations"."initiator_name", "innovations"."form", "innovations"."digital", "innovations"."government_affairs", "innovations"."problem", "innovations"."approach", "innovations"."goals", "innovations"."benefits", "innovations"."results", "innovations"."beneficiaries", "innovations"."beneficiaries_target", "innovations"."trial_on", "innovations"."launched_on", "innovations"."lab_stage", "innovations"."stage_rank", "innovations"."status", "innovations"."search_text", "innovations"."version", "innovations"."created_at", "innovations"."updated_at", "agencies"."code", "agencies"."name", "cohorts"."name" FROM (("innovations" INNER JOIN "agencies" ON ("innovations"."agency_id" = "agencies"."id")) INNER JOIN "cohorts" ON ("innovations"."cohort_id" = "cohorts"."id")) WHERE ("innovations"."id" = :innovation_id) LIMIT 1;
BEGIN;
SELECT "idempotency_keys"."state" FROM "idempotency_keys" WHERE (("idempotency_keys"."id" = :key_id) AND ("idempotency_keys"."claim_token" = 'claim-token-of-thirty-two-chars.')) LIMIT 1;
UPDATE "idempotency_keys" SET "state" = 'completed', "response_status" = 201, "response_headers" = '[["content-type","application/json"]]', "response_body" = convert_to(repeat('x', 900), 'UTF8') WHERE (("idempotency_keys"."id" = :key_id) AND ("idempotency_keys"."claim_token" = 'claim-token-of-thirty-two-chars.'));
COMMIT;
