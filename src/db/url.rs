//! Which backend a `DATABASE_URL` names, decided from the URL itself.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// `postgres` or `sqlite`, as metrics and logs name it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// A parsed `DATABASE_URL`. `Display` never shows a password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// What the driver is given: the full PostgreSQL URL, or the SQLite file path.
    target: String,
}

impl DatabaseUrl {
    /// `postgres://` / `postgresql://` is PostgreSQL; `sqlite://path`, `sqlite:path` or a
    /// plain path is a SQLite file. Any other scheme is refused rather than guessed.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err("DATABASE_URL is empty".into());
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(format!(
                "unsupported database URL scheme `{scheme}://`: use postgres://... or a SQLite file path"
            ));
        }
        if path.is_empty() || path == ":memory:" {
            return Err("a SQLite database must be a file path (every pooled connection must see the same database)".into());
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn target(&self) -> &str {
        &self.target
    }
}

impl fmt::Display for DatabaseUrl {
    /// `PostgreSQL database inovik on db.example:5432` / `SQLite file inovik.db`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.backend {
            Backend::Sqlite => write!(f, "SQLite file {}", self.target),
            Backend::Postgres => {
                let rest = self.target.split_once("://").map_or("", |(_, r)| r);
                let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
                let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                let database = path.split('?').next().unwrap_or("");
                let host = if host.is_empty() { "localhost" } else { host };
                let database = if database.is_empty() {
                    "(default)"
                } else {
                    database
                };
                write!(f, "PostgreSQL database {database} on {host}")
            }
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_backend_from_the_url() {
        let pg =
            DatabaseUrl::parse("postgres://u:secret@db.local:5433/inovik?sslmode=require").unwrap();
        assert_eq!(pg.backend(), Backend::Postgres);
        assert_eq!(
            pg.to_string(),
            "PostgreSQL database inovik on db.local:5433"
        );
        assert!(!format!("{pg:?}").contains("secret"));

        for sqlite in ["inovik.db", "sqlite://data/inovik.db", "sqlite:inovik.db"] {
            assert_eq!(
                DatabaseUrl::parse(sqlite).unwrap().backend(),
                Backend::Sqlite
            );
        }
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db").unwrap().target(),
            "data/x.db"
        );
        assert!(DatabaseUrl::parse("mysql://localhost/x").is_err());
        assert!(DatabaseUrl::parse(":memory:").is_err());
    }
}
