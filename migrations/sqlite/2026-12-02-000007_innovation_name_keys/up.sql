-- The folded form innovation names are unique by within a cohort (ignoring case, width,
-- spacing and invisible characters). Filled, checked and indexed by the service right
-- after this migration (src/db/migrate.rs): folding is Unicode work the service does the
-- same way on both backends, and the index is created only when no two names collide.
ALTER TABLE innovations ADD COLUMN name_key TEXT;
-- Holds exactly the rows still without a key, so the service's "anything left to fold?"
-- costs nothing once every row has one.
CREATE INDEX innovations_unkeyed_idx ON innovations (id) WHERE name_key IS NULL;
