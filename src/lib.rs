//! Inovik: the open registry and API of a regional government's public-service innovation
//! lab (Laboratorium Inovasi Pelayanan Publik).
//!
//! HTTP at the edge ([`api`], [`http`]), rules in [`domain`], SQL in [`store`], the two
//! database backends behind [`db`].

pub mod api;
pub mod app;
pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod memory;
pub mod metrics;
pub mod operator;
pub mod policy;
pub mod seed;
pub mod storage;
pub mod store;
