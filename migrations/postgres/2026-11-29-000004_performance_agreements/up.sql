-- Innovation performance agreements (perjanjian kinerja inovasi) between the Bupati and an
-- agency head, per agency per year.
CREATE TABLE performance_agreements (
    id                  BIGSERIAL   PRIMARY KEY,
    number              TEXT        COLLATE "C" NOT NULL,
    year                BIGINT      NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    agency_id           BIGINT      NOT NULL REFERENCES agencies (id),
    statement           TEXT,
    status              TEXT        NOT NULL CHECK (status IN ('draft', 'signed', 'superseded', 'cancelled')),
    signed_on           DATE,
    signed_place        TEXT,
    -- The parties as they were when signed (a later change of official rewrites nothing).
    first_party_name    TEXT,
    first_party_nip     TEXT,
    first_party_title   TEXT,
    second_party_name   TEXT,
    second_party_nip    TEXT,
    second_party_title  TEXT,
    -- The agency as it was named when signed: part of what was signed.
    signed_agency_code  TEXT,
    signed_agency_name  TEXT,
    supersedes_id       BIGINT      REFERENCES performance_agreements (id),
    amendment_reason    TEXT        CHECK (amendment_reason IN ('change_of_official', 'change_of_strategy', 'change_of_priorities')),
    amendment_reason_text TEXT,
    cancellation_reason TEXT,
    content_hash        TEXT,
    version             BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    CONSTRAINT performance_agreements_number_key UNIQUE (number)
);
CREATE INDEX performance_agreements_agency_year_idx ON performance_agreements (agency_id, year);
CREATE INDEX performance_agreements_status_idx ON performance_agreements (status);
CREATE INDEX performance_agreements_supersedes_idx ON performance_agreements (supersedes_id);
CREATE INDEX performance_agreements_number_idx ON performance_agreements (number, id);
CREATE INDEX performance_agreements_created_at_idx ON performance_agreements (created_at, id);
CREATE INDEX performance_agreements_updated_at_idx ON performance_agreements (updated_at, id);

-- What an agreement commits to: per innovation, a target value and unit, or a target stage
-- by a date; and, later, its realization.
CREATE TABLE commitments (
    id                       BIGSERIAL   PRIMARY KEY,
    agreement_id             BIGINT      NOT NULL REFERENCES performance_agreements (id),
    innovation_id            BIGINT      NOT NULL REFERENCES innovations (id),
    -- The innovation's name when the agreement was signed: part of what was signed.
    signed_innovation_name   TEXT,
    indicator                TEXT        NOT NULL,
    -- Decimals as whole hundredths, exact on both backends.
    target_hundredths        BIGINT,
    unit                     TEXT,
    target_stage             TEXT        CHECK (target_stage IN ('drum_up', 'diagnose', 'design', 'delivery', 'display')),
    due_on                   DATE,
    achieved_hundredths      BIGINT,
    evidence_url             TEXT,
    note                     TEXT,
    evaluated_at             TIMESTAMPTZ,
    version                  BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    CONSTRAINT commitments_target CHECK (
        (target_hundredths IS NOT NULL AND unit IS NOT NULL) OR (target_stage IS NOT NULL AND due_on IS NOT NULL))
);
CREATE INDEX commitments_agreement_idx ON commitments (agreement_id, id);
CREATE INDEX commitments_innovation_idx ON commitments (innovation_id);
