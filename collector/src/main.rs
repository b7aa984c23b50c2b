//! `nps-collector`: the command line of the reference collector.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use nps_collector::cli::{Cli, Command, SeedArgs, ServeArgs};
use nps_collector::storage::sqlite::SqliteStore;
use nps_collector::storage::{AnswerStore, SampleStore};
use nps_collector::{app, auth, server, telemetry, AppState};

fn main() -> ExitCode {
    let command = Cli::parse().into_command();
    telemetry::init();
    let result = match command {
        Command::Export(export_args) => export(&export_args.db),
        Command::Report(report_args) => nps_collector::report::command::run(&report_args),
        Command::Serve(serve_args) => serve(&serve_args),
        Command::Seed(seed_args) => seed(&seed_args),
        Command::Token(token_args) => auth::cli::run(&token_args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("nps-collector: {message}");
            ExitCode::FAILURE
        }
    }
}

fn export(path: &std::path::Path) -> Result<(), String> {
    if !path.exists() {
        return Err(format!("no database at {}", path.display()));
    }
    let db = SqliteStore::open_read_only(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let rows = runtime
        .block_on(db.answers())
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut out = std::io::stdout().lock();
    for row in rows {
        let line = serde_json::to_string(&row).map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

/// Writes (or with `--remove` deletes) sample answers; says what it did on stdout.
fn seed(args: &SeedArgs) -> Result<(), String> {
    let path = &args.db;
    let store =
        SqliteStore::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let done = if args.remove {
        runtime
            .block_on(store.remove_samples())
            .map(|n| format!("removed {n} sample answers from {}", path.display()))
    } else {
        let now = nps_collector::system_clock()();
        let samples = nps_collector::seed::sample_answers(args.answers as usize, now, args.seed);
        runtime.block_on(store.insert_samples(samples)).map(|n| {
            format!(
                "wrote {n} sample answers to {} (marked as samples; `nps-collector seed --remove` deletes them)",
                path.display()
            )
        })
    }
    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("{done}");
    Ok(())
}

fn serve(args: &ServeArgs) -> Result<(), String> {
    let (addr, db_path, limits) = (args.addr.as_str(), &args.db, args.limits());
    match server::raise_open_file_limit() {
        Ok(files) if (files as usize) < limits.max_connections + 64 => tracing::warn!(
            "the open file limit ({files}) leaves little room beyond --max-connections {}",
            limits.max_connections
        ),
        Ok(_) => {}
        Err(error) => tracing::debug!(%error, "open file limit unchanged"),
    }
    let db = SqliteStore::open(db_path)
        .map_err(|e| format!("cannot open {}: {e}", db_path.display()))?;
    let state = AppState::new(db, args.settings());
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let served = runtime.block_on(async move {
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
