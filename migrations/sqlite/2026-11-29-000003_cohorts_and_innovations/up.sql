-- A lab round: "Laboratorium Inovasi Kebumen 2016" with LAN RI, and the day each stage opened.
CREATE TABLE cohorts (
    id           INTEGER     PRIMARY KEY AUTOINCREMENT,
    name         TEXT        NOT NULL,
    region_code  TEXT        NOT NULL CHECK (length(region_code) = 4 AND region_code NOT GLOB '*[^0-9]*'),
    year         BIGINT      NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    partner      TEXT,
    description  TEXT,
    lab_stage    TEXT        NOT NULL CHECK (lab_stage IN ('drum_up', 'diagnose', 'design', 'delivery', 'display')),
    drum_up_on   DATE,
    diagnose_on  DATE,
    design_on    DATE,
    delivery_on  DATE,
    display_on   DATE,
    version      BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at   TIMESTAMP   NOT NULL,
    updated_at   TIMESTAMP   NOT NULL,
    CONSTRAINT cohorts_region_name_key UNIQUE (region_code, name)
);
CREATE INDEX cohorts_year_idx ON cohorts (year, id);
CREATE INDEX cohorts_name_idx ON cohorts (name, id);
CREATE INDEX cohorts_created_at_idx ON cohorts (created_at, id);
CREATE INDEX cohorts_updated_at_idx ON cohorts (updated_at, id);

-- The public-service innovations of a cohort.
CREATE TABLE innovations (
    id                   INTEGER     PRIMARY KEY AUTOINCREMENT,
    cohort_id            BIGINT      NOT NULL REFERENCES cohorts (id),
    agency_id            BIGINT      NOT NULL REFERENCES agencies (id),
    name                 TEXT        NOT NULL,
    acronym_expansion    TEXT,
    initiator_type       TEXT        NOT NULL CHECK (initiator_type IN ('regional_head', 'council_member', 'agency', 'civil_servant', 'public')),
    initiator_name       TEXT,
    form                 TEXT        NOT NULL CHECK (form IN ('governance', 'public_service', 'other')),
    digital              BOOLEAN     NOT NULL DEFAULT 0 CHECK (digital IN (0, 1)),
    -- A JSON array of strings (urusan pemerintahan), as text so both backends store it alike.
    government_affairs   TEXT        NOT NULL DEFAULT '[]',
    problem              TEXT,
    approach             TEXT,
    goals                TEXT,
    benefits             TEXT,
    results              TEXT,
    beneficiaries        TEXT,
    beneficiaries_target BIGINT      CHECK (beneficiaries_target >= 0),
    trial_on             DATE,
    launched_on          DATE,
    lab_stage            TEXT        NOT NULL CHECK (lab_stage IN ('drum_up', 'diagnose', 'design', 'delivery', 'display')),
    -- The stage's place in the lifecycle (1-5), kept with it, so `sort=lab_stage` is an index scan.
    stage_rank           BIGINT      NOT NULL CHECK (stage_rank BETWEEN 1 AND 5),
    status               TEXT        NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
    -- Lower-cased name, acronym expansion, problem and approach, filled by the service so
    -- that `q` gives the same answers on both backends.
    search_text          TEXT        NOT NULL,
    version              BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at           TIMESTAMP   NOT NULL,
    updated_at           TIMESTAMP   NOT NULL,
    CONSTRAINT innovations_cohort_name_key UNIQUE (cohort_id, name)
);
CREATE INDEX innovations_agency_id_idx ON innovations (agency_id);
CREATE INDEX innovations_cohort_id_idx ON innovations (cohort_id);
CREATE INDEX innovations_lab_stage_idx ON innovations (lab_stage);
CREATE INDEX innovations_status_idx ON innovations (status);
CREATE INDEX innovations_name_idx ON innovations (name, id);
CREATE INDEX innovations_created_at_idx ON innovations (created_at, id);
CREATE INDEX innovations_launched_on_idx ON innovations (launched_on, id);
CREATE INDEX innovations_stage_rank_idx ON innovations (stage_rank, id);
CREATE INDEX innovations_updated_at_idx ON innovations (updated_at, id);

-- Every move through the lab's stages, written with the change it records.
CREATE TABLE stage_transitions (
    id            INTEGER     PRIMARY KEY AUTOINCREMENT,
    innovation_id BIGINT      NOT NULL REFERENCES innovations (id),
    -- Null for the first stage an innovation was created or imported into.
    from_stage    TEXT        CHECK (from_stage IN ('drum_up', 'diagnose', 'design', 'delivery', 'display')),
    to_stage      TEXT        NOT NULL CHECK (to_stage IN ('drum_up', 'diagnose', 'design', 'delivery', 'display')),
    occurred_at   TIMESTAMP   NOT NULL,
    actor_type    TEXT        NOT NULL,
    actor_id      BIGINT,
    actor_name    TEXT        NOT NULL,
    note          TEXT,
    evidence_url  TEXT,
    reason        TEXT,
    launched_on   DATE
);
CREATE INDEX stage_transitions_innovation_idx ON stage_transitions (innovation_id, id);
