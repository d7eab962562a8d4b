-- The `reviewer` role: verifies the yearly index's assessments across the region (and,
-- if bound to an agency, never its own agency's).
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'agency_editor', 'reviewer', 'viewer'));
ALTER TABLE api_clients DROP CONSTRAINT api_clients_role_check;
ALTER TABLE api_clients ADD CONSTRAINT api_clients_role_check
    CHECK (role IN ('admin', 'agency_editor', 'reviewer', 'viewer'));
