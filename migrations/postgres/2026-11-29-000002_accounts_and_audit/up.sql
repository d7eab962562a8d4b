-- People who sign in. `username` is stored lower-cased.
CREATE TABLE users (
    id            BIGSERIAL   PRIMARY KEY,
    username      TEXT        COLLATE "C" NOT NULL,
    display_name  TEXT        COLLATE "C" NOT NULL,
    role          TEXT        NOT NULL CHECK (role IN ('admin', 'agency_editor', 'viewer')),
    agency_id     BIGINT      REFERENCES agencies (id),
    active        BOOLEAN     NOT NULL DEFAULT TRUE,
    -- Argon2id PHC string; never leaves the service.
    password_hash TEXT        NOT NULL,
    version       BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_editor_has_agency CHECK (role <> 'agency_editor' OR agency_id IS NOT NULL)
);
CREATE INDEX users_agency_id_idx ON users (agency_id);
CREATE INDEX users_created_at_idx ON users (created_at, id);
CREATE INDEX users_updated_at_idx ON users (updated_at, id);

-- Other regional systems, signing in with client credentials.
CREATE TABLE api_clients (
    id          BIGSERIAL   PRIMARY KEY,
    client_id   TEXT        COLLATE "C" NOT NULL,
    name        TEXT        COLLATE "C" NOT NULL,
    role        TEXT        NOT NULL CHECK (role IN ('admin', 'agency_editor', 'viewer')),
    agency_id   BIGINT      REFERENCES agencies (id),
    active      BOOLEAN     NOT NULL DEFAULT TRUE,
    -- Argon2id PHC string of the secret, which is shown once at creation or rotation.
    secret_hash TEXT        NOT NULL,
    version     BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT api_clients_client_id_key UNIQUE (client_id),
    CONSTRAINT api_clients_editor_has_agency CHECK (role <> 'agency_editor' OR agency_id IS NOT NULL)
);
CREATE INDEX api_clients_created_at_idx ON api_clients (created_at, id);
CREATE INDEX api_clients_updated_at_idx ON api_clients (updated_at, id);

-- Refresh tokens, stored as SHA-256 hashes. A family is one sign-in and its rotations:
-- reusing a retired token revokes the whole family.
CREATE TABLE refresh_tokens (
    id          BIGSERIAL   PRIMARY KEY,
    token_hash  TEXT        NOT NULL,
    family      TEXT        NOT NULL,
    user_id     BIGINT      NOT NULL REFERENCES users (id),
    expires_at  TIMESTAMPTZ NOT NULL,
    retired_at  TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);

-- Failed sign-ins per username or client id, shared by every server process.
CREATE TABLE sign_in_failures (
    subject         TEXT        PRIMARY KEY,
    failures        BIGINT      NOT NULL,
    last_failed_at  TIMESTAMPTZ NOT NULL,
    blocked_until   TIMESTAMPTZ
);

-- Every write: who, when, what, before and after. Append-only.
CREATE TABLE audit_events (
    id            BIGSERIAL   PRIMARY KEY,
    occurred_at   TIMESTAMPTZ NOT NULL,
    actor_type    TEXT        NOT NULL CHECK (actor_type IN ('user', 'client', 'system', 'anonymous')),
    actor_id      BIGINT,
    actor_name    TEXT        NOT NULL,
    action        TEXT        NOT NULL,
    resource_type TEXT        NOT NULL,
    resource_id   BIGINT,
    request_id    TEXT        NOT NULL,
    -- JSON documents, as text so both backends store them alike.
    before        TEXT,
    after         TEXT
);
CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id);
CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_name);
