//! Which database a command works on, as `--db` names it: a SQLite file (the embedded default,
//! `nps.sqlite3`, or `sqlite:PATH`) or a PostgreSQL server (`postgres://…` or
//! `postgresql://…`, any number of collectors on one database), and opening it.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use super::postgres::{Opening, PgStore};
use super::sqlite::SqliteStore;
use super::Store;

/// A database named by `--db`. It is shown (`Display` and `Debug`) without a PostgreSQL
/// URL's password.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

/// How a command uses the database it opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A collector's server: as [`Access::Write`], and on PostgreSQL it hears of the other
    /// collectors' hook work.
    Serve,
    /// Reads and writes, creating (SQLite) and migrating it as needed.
    Write,
    /// Writes to one that must exist already (a SQLite file is not created).
    WriteExisting,
    /// Reads only: a SQLite file is opened read-only and must be at this build's schema.
    Read,
}

impl Database {
    /// The database `text` names: a `postgres://` or `postgresql://` URL, `sqlite:PATH`, or a
    /// file path. A URL is read when it is opened, not here: an error here is printed with the
    /// text, which would show the password.
    pub fn parse(text: &str) -> Result<Database, String> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
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
                let creates = matches!(access, Access::Serve | Access::Write);
                if !creates && !path.exists() {
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
                let opening = match access {
                    Access::Serve => Opening::Serve,
                    Access::Write | Access::WriteExisting => Opening::Write,
                    Access::Read => Opening::Read,
                };
                let store = PgStore::open(url, opening)
                    .await
                    .map_err(|e| format!("cannot open {self}: {e}"))?;
                Ok(Arc::new(store))
            }
        }
    }
}

impl fmt::Display for Database {
    /// The file's path, or the URL without its password and options (a password is a secret:
    /// messages and logs show this).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => f.write_str(&redacted(url)),
        }
    }
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Database({self})")
    }
}

/// What a PostgreSQL URL names, rebuilt from what the driver reads of it (so that however the
/// password was written, in the user part or as an option, it is not there): user, hosts,
/// ports and database.
fn redacted(url: &str) -> String {
    use tokio_postgres::config::Host;
    let Ok(config) = url.parse::<tokio_postgres::Config>() else {
        return "postgres://(an unreadable URL)".to_owned();
    };
    let user = config
        .get_user()
        .map(|user| format!("{user}@"))
        .unwrap_or_default();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let name = match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(i).or(config.get_ports().first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    let name = config.get_dbname().unwrap_or_default();
    format!("postgres://{user}{}/{name}", hosts.join(","))
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
    }

    #[test]
    fn never_shows_a_password() {
        let shown = |text: &str| Database::parse(text).unwrap().to_string();
        let cases = [
            (
                "postgres://nps:s3cr%40t@db:5432/nps",
                "postgres://nps@db:5432/nps",
            ),
            ("postgres://nps:pa/ss@db/nps", "postgres://nps@db:5432/nps"),
            (
                "postgres://nps@db/nps?password=s3cret",
                "postgres://nps@db:5432/nps",
            ),
            ("postgres://db/nps", "postgres://db:5432/nps"),
            (
                "postgres://nps:s3cret@db/nps?sslmode=verify-full",
                "postgres://(an unreadable URL)",
            ),
        ];
        for (url, expected) in cases {
            let database = Database::parse(url).unwrap();
            assert_eq!(shown(url), expected, "{url}");
            assert_eq!(format!("{database:?}"), format!("Database({expected})"));
        }
        assert_eq!(shown("sqlite:a.db"), "a.db");
    }
}
