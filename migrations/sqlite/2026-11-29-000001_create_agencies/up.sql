-- Agencies: the SKPD/OPD, Setda sections, Puskesmas, RSUD and BUMD that own innovations.
-- Timestamps are stored as diesel writes them, text in UTC ('YYYY-MM-DD HH:MM:SS' with up to
-- six fractional digits), which sorts in time order.
CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    short_name  TEXT,
    kind        TEXT    NOT NULL CHECK (kind IN ('agency', 'secretariat_section', 'sub_district',
                                                 'health_center', 'hospital', 'enterprise', 'other')),
    parent_id   BIGINT  REFERENCES agencies (id),
    region_code TEXT    NOT NULL CHECK (length(region_code) = 4 AND region_code NOT GLOB '*[^0-9]*'),
    head_name   TEXT,
    head_nip    TEXT    CHECK (length(head_nip) = 18 AND head_nip NOT GLOB '*[^0-9]*'),
    head_title  TEXT,
    address     TEXT,
    phone       TEXT,
    email       TEXT,
    active      BOOLEAN NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Lower-cased name, short name and code, computed by the service so that `q` gives the
    -- same answers on both backends (SQLite's lower() only folds ASCII).
    search_text TEXT    NOT NULL,
    version     BIGINT  NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CONSTRAINT agencies_code_key UNIQUE (code),
    CONSTRAINT agencies_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id)
);

CREATE INDEX agencies_name_idx ON agencies (name, id);
CREATE INDEX agencies_code_idx ON agencies (code, id);
CREATE INDEX agencies_created_at_idx ON agencies (created_at, id);
CREATE INDEX agencies_updated_at_idx ON agencies (updated_at, id);
CREATE INDEX agencies_parent_id_idx ON agencies (parent_id);
CREATE INDEX agencies_kind_idx ON agencies (kind);
CREATE INDEX agencies_region_code_idx ON agencies (region_code);
