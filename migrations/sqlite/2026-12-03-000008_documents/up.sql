-- Evidence ("bukti dukung"): a file in the object store (its SHA-256 names the blob) or,
-- for a video, a link to a video host. Every document belongs to an innovation; one on a
-- stage move or on a commitment's realization also names that.
CREATE TABLE documents (
    id                  INTEGER     PRIMARY KEY AUTOINCREMENT,
    innovation_id       BIGINT      NOT NULL REFERENCES innovations (id),
    stage_transition_id BIGINT      REFERENCES stage_transitions (id),
    commitment_id       BIGINT      REFERENCES commitments (id),
    kind                TEXT        NOT NULL CHECK (kind IN ('decree', 'profile', 'budget', 'photo', 'report', 'video', 'other')),
    title               TEXT        NOT NULL,
    description         TEXT,
    public              BOOLEAN     NOT NULL CHECK (public IN (0, 1)),
    url                 TEXT,
    -- The name the client gave the file: metadata only, never a path.
    file_name           TEXT,
    -- Sniffed from the content, never taken from the client.
    media_type          TEXT,
    byte_size           BIGINT      CHECK (byte_size > 0),
    sha256              TEXT        CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    thumbnail_sha256    TEXT        CHECK (length(thumbnail_sha256) = 64 AND thumbnail_sha256 NOT GLOB '*[^0-9a-f]*'),
    archived_at         TIMESTAMP  ,
    -- Set when an administrator removed the file itself; the row and its audit events stay.
    purged_at           TIMESTAMP  ,
    version             BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at          TIMESTAMP   NOT NULL,
    updated_at          TIMESTAMP   NOT NULL,
    CONSTRAINT documents_one_owner CHECK (stage_transition_id IS NULL OR commitment_id IS NULL),
    CONSTRAINT documents_file_or_link CHECK (
        (url IS NOT NULL AND sha256 IS NULL AND file_name IS NULL)
        OR (url IS NULL AND (sha256 IS NOT NULL OR purged_at IS NOT NULL)))
);
CREATE INDEX documents_innovation_idx ON documents (innovation_id, id);
CREATE INDEX documents_stage_transition_idx ON documents (stage_transition_id, id) WHERE stage_transition_id IS NOT NULL;
CREATE INDEX documents_commitment_idx ON documents (commitment_id, id) WHERE commitment_id IS NOT NULL;
-- `storage verify` and `gc`, and the purge's "does another document hold this blob".
CREATE INDEX documents_sha256_idx ON documents (sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX documents_thumbnail_idx ON documents (thumbnail_sha256) WHERE thumbnail_sha256 IS NOT NULL;
