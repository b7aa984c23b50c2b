//! `nps-collector token …`: admin tokens from the command line. `create` prints the new token
//! once on stdout (only its hash is stored); `list` shows names and times, never a hash;
//! `revoke` deletes a token and ends its dashboard sessions.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use nps_widget::core::time::format_timestamp;

use crate::auth::{check_token_name, secret};
use crate::state::system_clock;
use crate::storage::sqlite::SqliteStore;
use crate::storage::TokenStore;

/// The flags of `token`.
#[derive(Args)]
pub struct TokenArgs {
    /// What to do with tokens.
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// A subcommand of `token`.
#[derive(Subcommand)]
pub enum TokenCommand {
    /// Make a new admin token and print it, once (only its hash is stored)
    Create(NamedArgs),
    /// List the admin tokens: name, when created, when last used
    List(DbArgs),
    /// Delete an admin token and end its dashboard sessions
    Revoke(NamedArgs),
}

/// The database flag of every `token` subcommand.
#[derive(Args)]
pub struct DbArgs {
    /// SQLite database file (`create` makes it if missing)
    #[arg(
        long,
        env = "NPS_DB",
        default_value = "nps.sqlite3",
        value_name = "FILE"
    )]
    pub db: PathBuf,
}

/// The flags of `token create` and `token revoke`.
#[derive(Args)]
pub struct NamedArgs {
    /// The token's name: one per person, e.g. Ada
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// The database.
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs a `token` subcommand; the error is the message to print.
pub fn run(args: &TokenArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    match &args.command {
        TokenCommand::Create(named) => runtime.block_on(create(&named.name, &named.db.db)),
        TokenCommand::List(db) => runtime.block_on(list(&db.db)),
        TokenCommand::Revoke(named) => runtime.block_on(revoke(&named.name, &named.db.db)),
    }
}

fn open(path: &Path, create: bool) -> Result<SqliteStore, String> {
    if !create && !path.exists() {
        return Err(format!("no database at {}", path.display()));
    }
    SqliteStore::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))
}

async fn create(name: &str, path: &Path) -> Result<(), String> {
    check_token_name(name)?;
    let store = open(path, true)?;
    let token = secret::new_token().map_err(|e| format!("no random source: {e}"))?;
    let created = store
        .create_token(name, &secret::hash(&token), system_clock()())
        .await
        .map_err(|e| format!("cannot store the token: {e}"))?;
    if !created {
        return Err(format!(
            "a token named {name:?} exists; revoke it first (`nps-collector token revoke --name {name:?}`) or choose another name"
        ));
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{token}")
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())?;
    eprintln!("token {name:?} created: it is shown this once, only its hash is stored");
    Ok(())
}

async fn list(path: &Path) -> Result<(), String> {
    let store = open(path, false)?;
    let tokens = store
        .tokens()
        .await
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if tokens.is_empty() {
        eprintln!("no admin tokens; make one with `nps-collector token create --name NAME`");
        return Ok(());
    }
    let width = tokens
        .iter()
        .map(|token| token.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("NAME".len());
    let mut stdout = std::io::stdout().lock();
    let mut lines = vec![format!("{:width$}  {:24}  LAST USED", "NAME", "CREATED")];
    for token in &tokens {
        let last_used = token
            .last_used_at
            .map_or_else(|| "never".to_owned(), format_timestamp);
        lines.push(format!(
            "{:width$}  {:24}  {last_used}",
            token.name,
            format_timestamp(token.created_at)
        ));
    }
    for line in lines {
        writeln!(stdout, "{}", line.trim_end()).map_err(|e| e.to_string())?;
    }
    stdout.flush().map_err(|e| e.to_string())
}

async fn revoke(name: &str, path: &Path) -> Result<(), String> {
    let store = open(path, false)?;
    let revoked = store
        .revoke_token(name)
        .await
        .map_err(|e| format!("cannot revoke: {e}"))?;
    if !revoked {
        return Err(format!("no token named {name:?}"));
    }
    eprintln!("token {name:?} revoked; its dashboard sessions have ended");
    Ok(())
}
