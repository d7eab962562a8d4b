-- The yearly innovation index (IID): one catalogue of indicators per year, written as a
-- draft and frozen once published. Weights and scores are in hundredths (25.20% = 2520).
CREATE TABLE index_catalogues (
    id                   INTEGER     PRIMARY KEY AUTOINCREMENT,
    year                 BIGINT      NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2100),
    title                TEXT        NOT NULL,
    -- An example shaped like the ministry's method, not the ministry's catalogue.
    illustrative         BOOLEAN     NOT NULL CHECK (illustrative IN (0, 1)),
    status               TEXT        NOT NULL CHECK (status IN ('draft', 'published')),
    government_weight    BIGINT      NOT NULL CHECK (government_weight BETWEEN 0 AND 10000),
    innovation_weight    BIGINT      NOT NULL CHECK (innovation_weight BETWEEN 0 AND 10000),
    minimum_innovations  BIGINT      NOT NULL CHECK (minimum_innovations >= 1),
    not_assessable_label TEXT        NOT NULL,
    copied_from_year     BIGINT,
    published_at         TIMESTAMP  ,
    version              BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at           TIMESTAMP   NOT NULL,
    updated_at           TIMESTAMP   NOT NULL,
    CONSTRAINT index_catalogues_published CHECK ((status = 'published') = (published_at IS NOT NULL))
);

-- Grade bands: an index above `from_hundredths` (or at it, if included) earns the label.
CREATE TABLE index_grades (
    id              INTEGER   PRIMARY KEY AUTOINCREMENT,
    catalogue_id    BIGINT    NOT NULL REFERENCES index_catalogues (id) ON DELETE CASCADE,
    position        BIGINT    NOT NULL,
    label           TEXT      NOT NULL,
    from_hundredths BIGINT    NOT NULL,
    from_included   BOOLEAN   NOT NULL CHECK (from_included IN (0, 1)),
    UNIQUE (catalogue_id, position)
);

CREATE TABLE index_variables (
    id           INTEGER   PRIMARY KEY AUTOINCREMENT,
    catalogue_id BIGINT    NOT NULL REFERENCES index_catalogues (id) ON DELETE CASCADE,
    position     BIGINT    NOT NULL,
    code         TEXT      NOT NULL,
    name         TEXT      NOT NULL,
    aspect       TEXT      NOT NULL CHECK (aspect IN ('government', 'innovation')),
    UNIQUE (catalogue_id, position)
);

CREATE TABLE index_indicators (
    id                INTEGER   PRIMARY KEY AUTOINCREMENT,
    catalogue_id      BIGINT    NOT NULL REFERENCES index_catalogues (id) ON DELETE CASCADE,
    variable_id       BIGINT    NOT NULL REFERENCES index_variables (id) ON DELETE CASCADE,
    position          BIGINT    NOT NULL,
    code              TEXT      NOT NULL,
    text              TEXT      NOT NULL,
    evidence_required BOOLEAN   NOT NULL CHECK (evidence_required IN (0, 1)),
    -- The document kinds that count as its evidence, comma-separated; empty: any.
    evidence_kinds    TEXT      NOT NULL,
    UNIQUE (catalogue_id, code)
);
CREATE INDEX index_indicators_variable_idx ON index_indicators (variable_id, position);

CREATE TABLE index_options (
    id                INTEGER   PRIMARY KEY AUTOINCREMENT,
    indicator_id      BIGINT    NOT NULL REFERENCES index_indicators (id) ON DELETE CASCADE,
    position          BIGINT    NOT NULL,
    label             TEXT      NOT NULL,
    weight_hundredths BIGINT    NOT NULL CHECK (weight_hundredths >= 0),
    UNIQUE (indicator_id, position)
);
