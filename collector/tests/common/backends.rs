//! The storage backends every store suite runs against: a fresh SQLite file, and a fresh
//! database on the throwaway PostgreSQL cluster (see [`super::postgres`]).

use std::sync::atomic::{AtomicU32, Ordering};

use nps_collector::storage::postgres::PgStore;
use nps_collector::storage::sqlite::SqliteStore;
use nps_collector::storage::{AnswerStore, SampleStore, TokenStore};

/// A backend under test.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Both, in the order the suites run them.
pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// A fresh, empty store of one backend.
pub enum Opened {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl Opened {
    /// The answers' store.
    pub fn answers(&self) -> &dyn AnswerStore {
        match self {
            Opened::Sqlite(store) => store,
            Opened::Postgres(store) => store,
        }
    }

    /// The sample answers' store.
    pub fn samples(&self) -> &dyn SampleStore {
        match self {
            Opened::Sqlite(store) => store,
            Opened::Postgres(store) => store,
        }
    }

    /// The admin tokens' store.
    pub fn tokens(&self) -> &dyn TokenStore {
        match self {
            Opened::Sqlite(store) => store,
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
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            Opened::Sqlite(SqliteStore::open(&path).unwrap())
        }
        Backend::Postgres => {
            let url = super::postgres::fresh_database().await;
            Opened::Postgres(PgStore::connect(&url).await.unwrap())
        }
    }
}
