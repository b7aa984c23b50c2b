//! `nps-collector`: the command line of the reference collector.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use axum::serve::ListenerExt;
use nps_collector::storage::sqlite::SqliteStore as Db;
use nps_collector::storage::AnswerStore;
use nps_collector::{app, AppState, Settings};
use nps_widget::core::duration::parse_duration;

const USAGE: &str = "\
usage:
  nps-collector [serve] [--addr HOST:PORT] [--db FILE] [--www DIR] [--pkg DIR]
                [--cors-origin ORIGIN]... [--rate-limit N]
                [--resurvey-after DURATION] [--decline-resurvey-after DURATION]
  nps-collector export --db FILE

serve   receive answers (the default). Defaults: --addr 127.0.0.1:8787, --db nps.sqlite3,
        --rate-limit 60 (requests per minute and client IP; 0 disables), durations \"6 months\".
        Environment fallbacks: NPS_ADDR, NPS_DB, NPS_WWW, NPS_PKG,
        NPS_CORS_ORIGINS (comma separated; * allows any origin), NPS_RATE_LIMIT.
export  print every stored answer as one JSON object per line.";

/// What the command line asks for.
enum Command {
    Serve {
        addr: String,
        db: PathBuf,
        settings: Settings,
    },
    Export {
        db: PathBuf,
    },
    Help,
}

fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1).collect(), |key| {
        std::env::var(key).ok()
    }) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("nps-collector: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match command {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::Export { db } => export(&db),
        Command::Serve { addr, db, settings } => serve(&addr, &db, settings),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("nps-collector: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: Vec<String>, env: impl Fn(&str) -> Option<String>) -> Result<Command, String> {
    let mut args = args.into_iter().peekable();
    let subcommand = match args.peek().map(String::as_str) {
        Some("serve" | "export") => args.next().unwrap_or_default(),
        _ => "serve".to_owned(),
    };

    let mut addr = env("NPS_ADDR").unwrap_or_else(|| "127.0.0.1:8787".to_owned());
    let mut db = PathBuf::from(env("NPS_DB").unwrap_or_else(|| "nps.sqlite3".to_owned()));
    let mut settings = Settings {
        www: env("NPS_WWW").map(PathBuf::from),
        pkg: env("NPS_PKG").map(PathBuf::from),
        ..Settings::default()
    };
    if let Some(limit) = env("NPS_RATE_LIMIT") {
        settings.rate_limit = rate_limit(&limit)?;
    }
    let env_origins = env("NPS_CORS_ORIGINS").unwrap_or_default();
    let env_origins = env_origins
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty());
    let mut origins: Vec<String> = env_origins.map(str::to_owned).collect();
    let mut flag_origins = Vec::new();

    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" || arg == "help" {
            return Ok(Command::Help);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let known = [
            "--addr",
            "--db",
            "--www",
            "--pkg",
            "--cors-origin",
            "--rate-limit",
            "--resurvey-after",
            "--decline-resurvey-after",
        ];
        if !known.contains(&flag.as_str()) || (subcommand == "export" && flag != "--db") {
            return Err(format!("unknown argument {flag:?} for {subcommand}"));
        }
        let value = inline
            .or_else(|| args.next())
            .ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--addr" => addr = value,
            "--db" => db = PathBuf::from(value),
            "--www" => settings.www = Some(PathBuf::from(value)),
            "--pkg" => settings.pkg = Some(PathBuf::from(value)),
            "--cors-origin" => flag_origins.push(value),
            "--rate-limit" => settings.rate_limit = rate_limit(&value)?,
            "--resurvey-after" => settings.resurvey_after = duration(&flag, &value)?,
            _ => settings.decline_resurvey_after = duration(&flag, &value)?,
        }
    }
    if !flag_origins.is_empty() {
        origins = flag_origins;
    }
    settings.cors_origins = origins;

    Ok(match subcommand.as_str() {
        "export" => Command::Export { db },
        _ => Command::Serve { addr, db, settings },
    })
}

fn rate_limit(text: &str) -> Result<u32, String> {
    text.trim().parse().map_err(|_| {
        format!("the rate limit must be a whole number of requests per minute, not {text:?}")
    })
}

fn duration(flag: &str, text: &str) -> Result<nps_widget::core::duration::Duration, String> {
    parse_duration(text).ok_or_else(|| {
        format!("{flag} must be like \"6 months\", \"30 days\" or \"2 weeks\", not {text:?}")
    })
}

fn export(path: &std::path::Path) -> Result<(), String> {
    if !path.exists() {
        return Err(format!("no database at {}", path.display()));
    }
    let db =
        Db::open_read_only(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
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

fn serve(addr: &str, db_path: &std::path::Path, settings: Settings) -> Result<(), String> {
    let db = Db::open(db_path).map_err(|e| format!("cannot open {}: {e}", db_path.display()))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_override_the_environment() {
        let env = |key: &str| match key {
            "NPS_ADDR" => Some("0.0.0.0:9000".to_owned()),
            "NPS_CORS_ORIGINS" => Some("https://a.example, https://b.example".to_owned()),
            "NPS_RATE_LIMIT" => Some("5".to_owned()),
            _ => None,
        };
        let Ok(Command::Serve { addr, db, settings }) = parse(args(&["--db=x.sqlite3"]), env)
        else {
            panic!("expected serve");
        };
        assert_eq!(addr, "0.0.0.0:9000");
        assert_eq!(db, PathBuf::from("x.sqlite3"));
        assert_eq!(
            settings.cors_origins,
            ["https://a.example", "https://b.example"]
        );
        assert_eq!(settings.rate_limit, 5);

        let list = [
            "serve",
            "--cors-origin",
            "*",
            "--rate-limit",
            "0",
            "--resurvey-after",
            "3 months",
        ];
        let Ok(Command::Serve { settings, .. }) = parse(args(&list), env) else {
            panic!("expected serve");
        };
        assert_eq!(settings.cors_origins, ["*"]);
        assert_eq!(settings.rate_limit, 0);
        assert_eq!(
            settings.resurvey_after,
            nps_widget::core::duration::Duration::Months(3)
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        let no_env = |_: &str| None;
        assert!(parse(args(&["--nope"]), no_env).is_err());
        assert!(parse(args(&["--rate-limit", "many"]), no_env).is_err());
        assert!(parse(args(&["--resurvey-after", "soon"]), no_env).is_err());
        assert!(parse(args(&["export", "--addr", "x"]), no_env).is_err());
        assert!(parse(args(&["--db"]), no_env).is_err());
        assert!(matches!(
            parse(args(&["export", "--db", "f"]), no_env),
            Ok(Command::Export { .. })
        ));
    }
}
