//! `nps-collector token …`: admin tokens from the command line. `create` prints the new token
//! once on stdout (only its hash is stored); `list` shows names and times, never a hash;
//! `revoke` deletes a token and ends its dashboard sessions.

use std::io::Write;

use clap::{Args, Subcommand};
use nps_widget::core::time::format_timestamp;

use crate::auth::{check_token_name, secret};
use crate::state::system_clock;
use crate::storage::{Access, Database, Store};

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
    /// The database: a SQLite file (`create` makes it if missing) or a postgres:// URL
    #[arg(
        long,
        env = "NPS_DB",
        default_value = "nps.sqlite3",
        value_name = "DB",
        value_parser = Database::parse
    )]
    pub db: Database,
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
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    match &args.command {
        TokenCommand::Create(named) => runtime.block_on(create(&named.name, &named.db.db)),
        TokenCommand::List(db) => runtime.block_on(list(&db.db)),
        TokenCommand::Revoke(named) => runtime.block_on(revoke(&named.name, &named.db.db)),
    }
}

async fn open(database: &Database, create: bool) -> Result<std::sync::Arc<dyn Store>, String> {
    let access = if create {
        Access::Write
    } else {
        Access::WriteExisting
    };
    database.open(access).await
}

async fn create(name: &str, database: &Database) -> Result<(), String> {
    check_token_name(name)?;
    let store = open(database, true).await?;
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

async fn list(database: &Database) -> Result<(), String> {
    let store = open(database, false).await?;
    let tokens = store
        .tokens()
        .await
        .map_err(|e| format!("cannot read {database}: {e}"))?;
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

async fn revoke(name: &str, database: &Database) -> Result<(), String> {
    let store = open(database, false).await?;
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
