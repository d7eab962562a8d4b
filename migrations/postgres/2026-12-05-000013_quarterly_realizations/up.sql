-- A signed commitment's realization per quarter (the monitoring, "monev"): not signed
-- content. One per commitment and quarter, with the evidence documents it cites.
CREATE TABLE quarterly_realizations (
    id               BIGSERIAL   PRIMARY KEY,
    commitment_id    BIGINT      NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    quarter          SMALLINT    NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    value_hundredths BIGINT      NOT NULL CHECK (value_hundredths >= 0),
    note             TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (commitment_id, quarter)
);

CREATE TABLE quarterly_realization_documents (
    realization_id BIGINT NOT NULL REFERENCES quarterly_realizations (id) ON DELETE CASCADE,
    document_id    BIGINT NOT NULL REFERENCES documents (id),
    PRIMARY KEY (realization_id, document_id)
);
CREATE INDEX quarterly_realization_documents_document_idx
    ON quarterly_realization_documents (document_id);

-- The lab closes a quarter's monitoring for the region: from then on only administrators
-- change that quarter's realizations. A quarter without a row is open.
CREATE TABLE monitoring_quarters (
    id         BIGSERIAL   PRIMARY KEY,
    year       BIGINT      NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    quarter    SMALLINT    NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    closed     BOOLEAN     NOT NULL,
    version    BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (year, quarter)
);
