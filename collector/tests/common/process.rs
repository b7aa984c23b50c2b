//! The collector as a process of its own, for tests of what only a process shows (signals,
//! slow sockets, the environment, a kill): `nps-collector serve` on a free loopback port.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_nps-collector");

/// Starts `nps-collector serve --addr 127.0.0.1:0 --rate-limit 0 --db DB` with `extra` flags,
/// after `adjust` has set the command up (its environment, its stderr); returns once it
/// listens: the process and its address, `127.0.0.1:PORT`. Stdout is read up to the line that
/// says where it listens.
pub fn serve(
    db: impl AsRef<OsStr>,
    extra: &[&str],
    adjust: impl FnOnce(&mut Command),
) -> (Child, String) {
    let mut command = Command::new(BIN);
    command
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--rate-limit",
            "0",
            "--db",
        ])
        .arg(db)
        .args(extra)
        .env_remove("NPS_DB")
        .stdout(Stdio::piped());
    adjust(&mut command);
    let mut child = command.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("nps-collector listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, addr)
}
