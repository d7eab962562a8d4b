//! The one integration-test binary. Every test starts the app in-process on port 0 with a
//! fresh database of its own and talks HTTP to it, as a client would.
//!
//! SQLite by default; set `INOVIK_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres`
//! to run the same tests on PostgreSQL (each test gets a database copied from a migrated
//! template).

mod helpers;
mod http_caches;
mod recorder;

mod accounts;
mod agencies_create;
mod agencies_list;
mod agencies_update;
mod agreements;
mod audit;
mod auth;
mod cohorts;
mod commands;
mod concurrency;
mod docs;
mod documents;
mod documents_owners;
mod errors;
mod idempotency;
mod import;
mod index_assessments;
mod index_catalogues;
mod index_years;
mod innovations;
mod layers;
mod matrix;
mod metrics;
mod migrations;
mod monitoring;
mod names;
mod oauth_libraries;
mod openapi;
mod operations;
mod outage;
mod quarterly_targets;
mod rate_limits;
mod reference;
mod schema;
mod security;
mod signing_races;
mod stage_transitions;
mod storage_outage;
mod throttling;
