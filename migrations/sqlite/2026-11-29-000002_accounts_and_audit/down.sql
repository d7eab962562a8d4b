DROP TABLE audit_events;
DROP TABLE sign_in_failures;
DROP TABLE refresh_tokens;
DROP TABLE api_clients;
DROP TABLE users;
