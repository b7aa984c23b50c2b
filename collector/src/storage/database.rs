//! Which database a command works on, as `--db` names it: a SQLite file (the embedded default,
//! `nps.sqlite3`, or `sqlite:PATH`) or a PostgreSQL server (`postgres://…` or
//! `postgresql://…`, any number of collectors on one database), and opening it.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::Store;

/// A database named by `--db`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

/// How a command uses the database it opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Reads and writes, creating (SQLite) and migrating it as needed.
    Write,
    /// Writes to one that must exist already (a SQLite file is not created).
    WriteExisting,
    /// Reads only: a SQLite file is opened read-only and must be at this build's schema.
    Read,
}

impl Database {
    /// The database `text` names: a `postgres://` or `postgresql://` URL, `sqlite:PATH`, or a
    /// file path.
    pub fn parse(text: &str) -> Result<Database, String> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            text.parse::<tokio_postgres::Config>()
                .map_err(|error| format!("not a PostgreSQL URL ({error})"))?;
            return Ok(Database::Postgres(text.to_owned()));
        }
        let path = text.strip_prefix("sqlite:").unwrap_or(text);
        if path.is_empty() {
            return Err("expected a file path, sqlite:PATH or postgres://USER@HOST/NAME".into());
        }
        Ok(Database::Sqlite(PathBuf::from(path)))
    }

    /// Opens it for `access`; the message to print when it cannot be.
    pub async fn open(&self, access: Access) -> Result<Arc<dyn Store>, String> {
        match self {
            Database::Sqlite(path) => {
                if access != Access::Write && !path.exists() {
                    return Err(format!("no database at {}", path.display()));
                }
                let opened = if access == Access::Read {
                    SqliteStore::open_read_only(path)
                } else {
                    SqliteStore::open(path)
                };
                let store = opened.map_err(|e| format!("cannot open {self}: {e}"))?;
                Ok(Arc::new(store))
            }
            Database::Postgres(url) => {
                let store = PgStore::connect(url)
                    .await
                    .map_err(|e| format!("cannot open {self}: {e}"))?;
                Ok(Arc::new(store))
            }
        }
    }
}

impl fmt::Display for Database {
    /// The file's path, or the URL without its password (it is a secret: messages and logs
    /// show this).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => f.write_str(&redacted(url)),
        }
    }
}

/// `url` with the password of its user part, if any, replaced by `***`.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}{tail}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_file_or_a_server() {
        assert_eq!(
            Database::parse("nps.sqlite3"),
            Ok(Database::Sqlite("nps.sqlite3".into()))
        );
        assert_eq!(
            Database::parse("sqlite:/var/lib/nps/a.db"),
            Ok(Database::Sqlite("/var/lib/nps/a.db".into()))
        );
        for url in [
            "postgres://nps@db.internal/nps",
            "postgresql://nps:secret@10.0.0.5:5432/nps?sslmode=disable",
        ] {
            assert_eq!(Database::parse(url), Ok(Database::Postgres(url.into())));
        }
        assert!(Database::parse("sqlite:").is_err());
        assert!(Database::parse("").is_err());
        assert!(Database::parse("postgres://nps@db/nps?connect_timeout=soon").is_err());
    }

    #[test]
    fn never_shows_a_password() {
        let shown = |text: &str| Database::parse(text).unwrap().to_string();
        assert_eq!(
            shown("postgres://nps:s3cr%40t@db:5432/nps"),
            "postgres://nps:***@db:5432/nps"
        );
        assert_eq!(shown("postgres://nps@db/nps"), "postgres://nps@db/nps");
        assert_eq!(shown("postgres://db/nps"), "postgres://db/nps");
        assert_eq!(shown("sqlite:a.db"), "a.db");
    }
}
