-- The yearly index's assessments: one per innovation and published catalogue year, and one
-- for the region itself (the government aspect: no innovation). Scores in hundredths; the
-- self score and the count of mandatory indicators without evidence are kept current on
-- every answer, so rankings read them without recomputing.
CREATE TABLE index_assessments (
    id               INTEGER     PRIMARY KEY AUTOINCREMENT,
    catalogue_id     BIGINT      NOT NULL REFERENCES index_catalogues (id),
    innovation_id    BIGINT      REFERENCES innovations (id),
    status           TEXT        NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'verified')),
    self_score       BIGINT      NOT NULL CHECK (self_score >= 0),
    missing_evidence BIGINT      NOT NULL CHECK (missing_evidence >= 0),
    verified_score   BIGINT      CHECK (verified_score >= 0),
    submitted_at     TIMESTAMP  ,
    verified_at      TIMESTAMP  ,
    version          BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at       TIMESTAMP   NOT NULL,
    updated_at       TIMESTAMP   NOT NULL,
    CONSTRAINT index_assessments_verified CHECK ((status = 'verified') = (verified_score IS NOT NULL AND verified_at IS NOT NULL))
);
CREATE UNIQUE INDEX index_assessments_innovation_key ON index_assessments (catalogue_id, innovation_id) WHERE innovation_id IS NOT NULL;
CREATE UNIQUE INDEX index_assessments_region_key ON index_assessments (catalogue_id) WHERE innovation_id IS NULL;
CREATE INDEX index_assessments_innovation_idx ON index_assessments (innovation_id);

-- An answer to one indicator: the chosen option, a note, and (once reviewed) the reviewer's
-- verdict: the option that stands (the same one when accepted) and a note.
CREATE TABLE index_answers (
    id                 INTEGER     PRIMARY KEY AUTOINCREMENT,
    assessment_id      BIGINT      NOT NULL REFERENCES index_assessments (id) ON DELETE CASCADE,
    indicator_id       BIGINT      NOT NULL REFERENCES index_indicators (id),
    option_id          BIGINT      NOT NULL REFERENCES index_options (id),
    note               TEXT,
    verdict            TEXT        CHECK (verdict IN ('accepted', 'adjusted')),
    verified_option_id BIGINT      REFERENCES index_options (id),
    review_note        TEXT,
    updated_at         TIMESTAMP   NOT NULL,
    UNIQUE (assessment_id, indicator_id),
    CONSTRAINT index_answers_verdict CHECK ((verdict IS NULL) = (verified_option_id IS NULL))
);

-- The evidence documents an answer cites.
CREATE TABLE index_answer_documents (
    answer_id   BIGINT NOT NULL REFERENCES index_answers (id) ON DELETE CASCADE,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    PRIMARY KEY (answer_id, document_id)
);
CREATE INDEX index_answer_documents_document_idx ON index_answer_documents (document_id);
