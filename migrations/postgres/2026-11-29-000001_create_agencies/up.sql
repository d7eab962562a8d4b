-- Agencies: the SKPD/OPD, Setda sections, Puskesmas, RSUD and BUMD that own innovations.
CREATE TABLE agencies (
    id          BIGSERIAL PRIMARY KEY,
    -- Sorted columns use byte order (COLLATE "C"), as SQLite does, so a sorted list and its
    -- keyset cursors are the same on both backends whatever the server's locale.
    code        TEXT        COLLATE "C" NOT NULL,
    name        TEXT        COLLATE "C" NOT NULL,
    short_name  TEXT,
    kind        TEXT        NOT NULL CHECK (kind IN ('agency', 'secretariat_section', 'sub_district',
                                                     'health_center', 'hospital', 'enterprise', 'other')),
    parent_id   BIGINT      REFERENCES agencies (id),
    region_code TEXT        NOT NULL CHECK (region_code ~ '^[0-9]{4}$'),
    head_name   TEXT,
    head_nip    TEXT        CHECK (head_nip ~ '^[0-9]{18}$'),
    head_title  TEXT,
    address     TEXT,
    phone       TEXT,
    email       TEXT,
    active      BOOLEAN     NOT NULL DEFAULT TRUE,
    -- Lower-cased name, short name and code, computed by the service so that `q` gives the
    -- same answers on both backends (SQLite's lower() only folds ASCII).
    search_text TEXT        NOT NULL,
    version     BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT agencies_code_key UNIQUE (code),
    CONSTRAINT agencies_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id)
);

-- One index per filter and per sort the API offers; `id` breaks ties for keyset pagination.
CREATE INDEX agencies_name_idx ON agencies (name, id);
CREATE INDEX agencies_code_idx ON agencies (code, id);
CREATE INDEX agencies_created_at_idx ON agencies (created_at, id);
CREATE INDEX agencies_updated_at_idx ON agencies (updated_at, id);
CREATE INDEX agencies_parent_id_idx ON agencies (parent_id);
CREATE INDEX agencies_kind_idx ON agencies (kind);
CREATE INDEX agencies_region_code_idx ON agencies (region_code);
