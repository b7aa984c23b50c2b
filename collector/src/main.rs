//! `nps-collector`: the command line of the reference collector.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use axum::serve::ListenerExt;
use clap::Parser;
use nps_collector::cli::{Cli, Command, ServeArgs};
use nps_collector::storage::sqlite::SqliteStore;
use nps_collector::storage::AnswerStore;
use nps_collector::{app, telemetry, AppState};

fn main() -> ExitCode {
    let command = Cli::parse().into_command();
    telemetry::init();
    let result = match command {
        Command::Export(export_args) => export(&export_args.db),
        Command::Serve(serve_args) => serve(&serve_args),
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

fn serve(args: &ServeArgs) -> Result<(), String> {
    let (addr, db_path, settings) = (args.addr.as_str(), &args.db, args.settings());
    let db = SqliteStore::open(db_path)
        .map_err(|e| format!("cannot open {}: {e}", db_path.display()))?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        let mut stdout = std::io::stdout();
        // Tests and scripts read this line to learn the port.
        writeln!(stdout, "nps-collector listening on http://{local}")
            .and_then(|()| stdout.flush())
            .map_err(|e| e.to_string())?;
        // Without TCP_NODELAY a small file sent as headers then body waits for the client's
        // delayed ACK (about 40 ms on Linux) before its body leaves: every script of the
        // widget served from `--pkg` would pay it.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let service =
            app(AppState::new(db, settings)).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| e.to_string())
    })
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
