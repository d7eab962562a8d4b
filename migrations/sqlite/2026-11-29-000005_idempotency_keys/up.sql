-- Idempotency keys of POST requests, shared by every server process. A key is claimed
-- ("pending") before the handler runs, fenced ("committed") inside the transaction that
-- makes the change, and holds the first response ("completed") for replay until it expires.
CREATE TABLE idempotency_keys (
    id               INTEGER     PRIMARY KEY AUTOINCREMENT,
    -- The caller the key belongs to ("user:12", "client:kominfo-sync").
    scope            TEXT        NOT NULL,
    idempotency_key  TEXT        NOT NULL,
    -- SHA-256 of method, path, query and body: the same key with another request is refused.
    request_hash     TEXT        NOT NULL,
    state            TEXT        NOT NULL CHECK (state IN ('pending', 'committed', 'completed')),
    -- Random per claim: a request whose lease was taken over cannot commit any more.
    claim_token      TEXT        NOT NULL,
    lease_until      TIMESTAMP   NOT NULL,
    response_status  INTEGER,
    -- JSON object of the replayed headers (Location, ETag, Content-Type).
    response_headers TEXT,
    response_body    BLOB,
    created_at       TIMESTAMP   NOT NULL,
    expires_at       TIMESTAMP   NOT NULL,
    CONSTRAINT idempotency_keys_scope_key UNIQUE (scope, idempotency_key)
);
CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
