//! `nps-collector`: the command line of the reference collector.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use nps_collector::cli::{Cli, Command, LinkArgs, MigrateArgs, SeedArgs, ServeArgs};
use nps_collector::storage::postgres::{Opening, PgStore};
use nps_collector::storage::sqlite::SqliteStore;
use nps_collector::storage::{Access, Database};
use nps_collector::{app, auth, links, server, telemetry, AppState};

fn main() -> ExitCode {
    let command = Cli::parse().into_command();
    telemetry::init();
    let result = match command {
        Command::Export(export_args) => export(&export_args.db),
        Command::Report(report_args) => nps_collector::report::command::run(&report_args),
        Command::Serve(serve_args) => serve(&serve_args),
        Command::Seed(seed_args) => seed(&seed_args),
        Command::Token(token_args) => auth::cli::run(&token_args),
        Command::Migrate(migrate_args) => migrate(&migrate_args),
        Command::Link(link_args) => link(&link_args),
        Command::Email(email_args) => nps_collector::email::run(&email_args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("nps-collector: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A runtime for a command other than `serve`: one thread, sockets and timers.
fn command_runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

fn export(database: &Database) -> Result<(), String> {
    let rows = command_runtime()?.block_on(async {
        let store = database.open(Access::Read).await?;
        store
            .answers()
            .await
            .map_err(|e| format!("cannot read {database}: {e}"))
    })?;
    let mut out = std::io::stdout().lock();
    for row in rows {
        let line = serde_json::to_string(&row).map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

/// Writes (or with `--remove` deletes) sample answers; says what it did on stdout.
fn seed(args: &SeedArgs) -> Result<(), String> {
    let database = &args.db;
    let done = command_runtime()?.block_on(async {
        let store = database.open(Access::Write).await?;
        if args.remove {
            store
                .remove_samples()
                .await
                .map(|n| format!("removed {n} sample answers from {database}"))
        } else {
            let now = nps_collector::system_clock()();
            let samples =
                nps_collector::seed::sample_answers(args.answers as usize, now, args.seed);
            store.insert_samples(samples).await.map(|n| {
                format!(
                    "wrote {n} sample answers to {database} (marked as samples; `nps-collector seed --remove` deletes them)"
                )
            })
        }
        .map_err(|e| format!("cannot write {database}: {e}"))
    })?;
    println!("{done}");
    Ok(())
}

/// Prints one survey link on stdout.
fn link(args: &LinkArgs) -> Result<(), String> {
    let request = links::LinkRequest {
        survey: args.survey.clone(),
        user_id: args.user.clone(),
        email: args.email.clone(),
        language: args.language.clone(),
        days: args.days,
        kind: args.kind,
    };
    // The API's fields are this command's flags (`userId` is `--user`).
    request.check().map_err(|(field, message)| {
        let flag = if field == "userId" { "user" } else { field };
        format!("--{flag}: {message}")
    })?;
    let url = command_runtime()?.block_on(async {
        let store = args.db.open(Access::Write).await?;
        let now = nps_collector::system_clock()();
        links::make(store.as_ref(), &args.public_url, &request, now)
            .await
            .map_err(|e| format!("cannot sign the link with {}: {e}", args.db))
    })?;
    println!("{url}");
    Ok(())
}

/// Copies a SQLite database into an empty PostgreSQL one; says what it copied on stdout.
fn migrate(args: &MigrateArgs) -> Result<(), String> {
    let (Database::Sqlite(path), Database::Postgres(url)) = (&args.from, &args.to) else {
        return Err("--from must be a SQLite file (sqlite:PATH) and --to a postgres:// URL".into());
    };
    if !path.exists() {
        return Err(format!("no database at {}", path.display()));
    }
    // Brought to this build's schema first (as `serve` would), then closed for the copy.
    drop(SqliteStore::open(path).map_err(|e| format!("cannot open {}: {e}", args.from))?);
    let copied = command_runtime()?.block_on(async {
        let target = PgStore::open(url, Opening::Write)
            .await
            .map_err(|e| format!("cannot open {}: {e}", args.to))?;
        target
            .import_sqlite(path)
            .await
            .map_err(|e| format!("cannot copy into {}: {e}", args.to))
    })?;
    let counts: Vec<String> = copied
        .iter()
        .map(|(table, rows)| format!("{rows} {table}"))
        .collect();
    println!(
        "copied {} into {}: {}",
        args.from,
        args.to,
        counts.join(", ")
    );
    Ok(())
}

fn serve(args: &ServeArgs) -> Result<(), String> {
    let (addr, database, limits) = (args.addr.as_str(), &args.db, args.limits());
    match server::raise_open_file_limit() {
        Ok(files) if (files as usize) < limits.max_connections + 64 => tracing::warn!(
            "the open file limit ({files}) leaves little room beyond --max-connections {}",
            limits.max_connections
        ),
        Ok(_) => {}
        Err(error) => tracing::debug!(%error, "open file limit unchanged"),
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let served = runtime.block_on(async move {
        let store = database.open(Access::Serve).await?;
        let state = AppState::shared(store, args.settings(), nps_collector::system_clock());
        // Read from the environment only: a flag would show the token to `ps`.
        if let Some(token) = std::env::var_os("NPS_ADMIN_TOKEN") {
            let token = token.to_str().unwrap_or_default();
            auth::install_env_token(state.store(), token, state.now()).await?;
        }
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        // Sends the hooks' deliveries, those left pending by an earlier run first; started
        // before the collector says it listens, so that it is all there by then.
        nps_collector::hooks::worker::spawn_apart(state.clone())
            .map_err(|e| format!("cannot start the hook worker: {e}"))?;
        let mut stdout = std::io::stdout();
        // Tests and scripts read this line to learn the port.
        writeln!(stdout, "nps-collector listening on http://{local}")
            .and_then(|()| stdout.flush())
            .map_err(|e| e.to_string())?;
        server::serve(listener, app(state), limits, server::shutdown_signal()).await;
        Ok(())
    });
    // Whatever is left (a request past the shutdown timeout) is dropped, not waited for.
    runtime.shutdown_timeout(Duration::from_secs(1));
    served
}
