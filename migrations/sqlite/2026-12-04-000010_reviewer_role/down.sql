-- Back to three roles (a reviewer account must be removed or changed first).
-- Each table is rebuilt as in up.sql.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE users_kept AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
    id            INTEGER     PRIMARY KEY AUTOINCREMENT,
    username      TEXT        NOT NULL,
    display_name  TEXT        NOT NULL,
    role          TEXT        NOT NULL CHECK (role IN ('admin', 'agency_editor', 'viewer')),
    agency_id     BIGINT      REFERENCES agencies (id),
    active        BOOLEAN     NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Argon2id PHC string; never leaves the service.
    password_hash TEXT        NOT NULL,
    version       BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at    TIMESTAMP   NOT NULL,
    updated_at    TIMESTAMP   NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_editor_has_agency CHECK (role <> 'agency_editor' OR agency_id IS NOT NULL)
);
INSERT INTO users (id, username, display_name, role, agency_id, active, password_hash,
                   version, created_at, updated_at)
    SELECT id, username, display_name, role, agency_id, active, password_hash,
           version, created_at, updated_at FROM users_kept;
DROP TABLE users_kept;
CREATE INDEX users_agency_id_idx ON users (agency_id);
CREATE INDEX users_created_at_idx ON users (created_at, id);
CREATE INDEX users_updated_at_idx ON users (updated_at, id);

CREATE TEMP TABLE api_clients_kept AS SELECT * FROM api_clients;
DROP TABLE api_clients;
CREATE TABLE api_clients (
    id          INTEGER     PRIMARY KEY AUTOINCREMENT,
    client_id   TEXT        NOT NULL,
    name        TEXT        NOT NULL,
    role        TEXT        NOT NULL CHECK (role IN ('admin', 'agency_editor', 'viewer')),
    agency_id   BIGINT      REFERENCES agencies (id),
    active      BOOLEAN     NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Argon2id PHC string of the secret, which is shown once at creation or rotation.
    secret_hash TEXT        NOT NULL,
    version     BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  TIMESTAMP   NOT NULL,
    updated_at  TIMESTAMP   NOT NULL,
    CONSTRAINT api_clients_client_id_key UNIQUE (client_id),
    CONSTRAINT api_clients_editor_has_agency CHECK (role <> 'agency_editor' OR agency_id IS NOT NULL)
);
INSERT INTO api_clients (id, client_id, name, role, agency_id, active, secret_hash,
                         version, created_at, updated_at)
    SELECT id, client_id, name, role, agency_id, active, secret_hash,
           version, created_at, updated_at FROM api_clients_kept;
DROP TABLE api_clients_kept;
CREATE INDEX api_clients_created_at_idx ON api_clients (created_at, id);
CREATE INDEX api_clients_updated_at_idx ON api_clients (updated_at, id);
