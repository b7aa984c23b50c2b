//! The storage backends every store suite runs against: a fresh SQLite file, and a fresh
//! database on the throwaway PostgreSQL cluster (see [`super::postgres`]).

use std::sync::atomic::{AtomicU32, Ordering};

use nps_collector::storage::postgres::PgStore;
use nps_collector::storage::sqlite::SqliteStore;
use nps_collector::storage::{AnswerStore, ReportStore, SampleStore, SecretStore, TokenStore};

/// A backend under test.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Both, in the order the suites run them.
pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// A fresh, empty store of one backend (a SQLite file is deleted when it is dropped).
pub enum Opened {
    Sqlite(SqliteStore, std::path::PathBuf),
    Postgres(PgStore),
}

impl Drop for Opened {
    fn drop(&mut self) {
        if let Opened::Sqlite(_, path) = self {
            remove_database_files(path);
        }
    }
}

/// Deletes a SQLite database file and its WAL and shared-memory files.
fn remove_database_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

impl Opened {
    /// The answers' store.
    pub fn answers(&self) -> &dyn AnswerStore {
        match self {
            Opened::Sqlite(store, _) => store,
            Opened::Postgres(store) => store,
        }
    }

    /// The report's reads.
    pub fn reports(&self) -> &dyn ReportStore {
        match self {
            Opened::Sqlite(store, _) => store,
            Opened::Postgres(store) => store,
        }
    }

    /// The sample answers' store.
    pub fn samples(&self) -> &dyn SampleStore {
        match self {
            Opened::Sqlite(store, _) => store,
            Opened::Postgres(store) => store,
        }
    }

    /// The collector's secrets.
    pub fn secrets(&self) -> &dyn SecretStore {
        match self {
            Opened::Sqlite(store, _) => store,
            Opened::Postgres(store) => store,
        }
    }

    /// The admin tokens' store.
    pub fn tokens(&self) -> &dyn TokenStore {
        match self {
            Opened::Sqlite(store, _) => store,
            Opened::Postgres(store) => store,
        }
    }
}

/// Opens a fresh, empty store of `backend`.
pub async fn open(backend: Backend) -> Opened {
    match backend {
        Backend::Sqlite => {
            static COUNTER: AtomicU32 = AtomicU32::new(0);
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!(
                "nps-store-suite-{}-{n}.sqlite3",
                std::process::id()
            ));
            remove_database_files(&path);
            Opened::Sqlite(SqliteStore::open(&path).unwrap(), path)
        }
        Backend::Postgres => {
            let url = super::postgres::fresh_database().await;
            Opened::Postgres(PgStore::connect(&url).await.unwrap())
        }
    }
}
