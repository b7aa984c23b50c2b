//! A throwaway PostgreSQL cluster for the tests of one test binary: `initdb` into a temporary
//! directory (as the unprivileged `postgres` user when the tests run as root), the server on a
//! free loopback port, stopped when the test process ends (the kernel signals it when the
//! thread that started it goes, and that thread lives as long as the process). Each test gets a
//! database of its own. Debian's `postgresql` package provides the programs (`./build.sh`
//! installs it). The server's log is `server.log` in the cluster's directory.

use std::os::unix::fs::chown;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// The superuser the cluster is made with (trusted on loopback: the cluster is the test's).
const SUPERUSER: &str = "nps";

/// The programs of the newest installed PostgreSQL server (a version with `initdb`: one with
/// the client alone has none).
fn bin_dir() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<u32> = std::fs::read_dir(root)
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not installed ({}: {e}); ./build.sh installs it",
                root.display()
            )
        })
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter(|version: &u32| root.join(version.to_string()).join("bin/initdb").exists())
        .collect();
    versions.sort_unstable();
    let version = versions
        .last()
        .expect("a PostgreSQL server under /usr/lib/postgresql (./build.sh installs it)");
    root.join(version.to_string()).join("bin")
}

/// The uid and gid the server runs as: `postgres`'s when running as root (PostgreSQL refuses
/// root), else the current user's.
fn server_user() -> Option<(u32, u32)> {
    // SAFETY: `geteuid` has no preconditions; `getpwnam` is given a NUL-terminated name and
    // its result is read at once, before any other call could reuse its static buffer.
    unsafe {
        if libc::geteuid() != 0 {
            return None;
        }
        let entry = libc::getpwnam(c"postgres".as_ptr());
        assert!(
            !entry.is_null(),
            "running as root needs the `postgres` user (Debian's postgresql package makes it)"
        );
        Some(((*entry).pw_uid, (*entry).pw_gid))
    }
}

/// Removes the directories of clusters whose test process is gone.
fn remove_stale(parent: &Path) {
    for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("nps-pg-"))
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        // SAFETY: signal 0 only checks that the process exists.
        if unsafe { libc::kill(pid, 0) } != 0 {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn run(command: &mut Command, what: &str) {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// What it takes to start the cluster's server (again).
struct Server {
    bin: PathBuf,
    dir: PathBuf,
    data: PathBuf,
    port: u16,
    user: Option<(u32, u32)>,
}

/// The cluster's server; its data directory tells that the server on the port is ours (another
/// process could take the port between the test choosing it and the server binding it).
static SERVER: OnceLock<Server> = OnceLock::new();

impl Server {
    /// A command run as the server's user.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin.join(program));
        if let Some((uid, gid)) = self.user {
            command.uid(uid).gid(gid);
        }
        command
    }

    /// Starts the server and waits until it accepts connections.
    fn spawn(&self) {
        let log = self.dir.join("server.log");
        let mut server = self.command("postgres");
        server
            .arg("-D")
            .arg(&self.data)
            .args(["-p", &self.port.to_string(), "-k"])
            .arg(&self.dir)
            // Tests need no durability of the server's own; they need speed.
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
            .args(["-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
            .args(["-c", "max_connections=300"])
            .stdout(Stdio::null())
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&log)
                    .unwrap(),
            );
        // SAFETY: `prctl` is async-signal-safe; it asks the kernel to stop the server (a fast
        // shutdown) when the thread that started it ends.
        unsafe {
            server.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT);
                Ok(())
            });
        }
        let (started, ready) = std::sync::mpsc::channel();
        let exited = Arc::new(AtomicBool::new(false));
        let gone = exited.clone();
        // The thread lives as long as the server: it is the server's parent thread.
        std::thread::spawn(move || {
            let mut child = server.spawn().expect("the PostgreSQL server starts");
            started.send(()).unwrap();
            let _ = child.wait();
            gone.store(true, Ordering::SeqCst);
        });
        ready.recv().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            let why = || std::fs::read_to_string(&log).unwrap_or_default();
            assert!(
                !exited.load(Ordering::SeqCst),
                "the PostgreSQL server stopped: {}",
                why()
            );
            assert!(
                Instant::now() < deadline,
                "the PostgreSQL server did not start on port {}: {}",
                self.port,
                why()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Starts the cluster; its `postgres` database's URL.
fn start() -> String {
    let bin = bin_dir();
    let parent = std::env::temp_dir();
    remove_stale(&parent);
    let dir = parent.join(format!("nps-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let user = server_user();
    if let Some((uid, gid)) = user {
        chown(&dir, Some(uid), Some(gid)).unwrap();
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server {
        bin,
        data: dir.join("data"),
        dir,
        port,
        user,
    };
    let mut initdb = server.command("initdb");
    // The C locale exists everywhere (the environment's may not be installed); the schema
    // compares text byte by byte anyway.
    initdb
        .args(["--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
        .args(["--username", SUPERUSER, "-D"])
        .arg(&server.data);
    run(&mut initdb, "initdb");
    server.spawn();
    let _ = SERVER.set(server);
    format!("postgres://{SUPERUSER}@127.0.0.1:{port}/postgres")
}

/// Stops the cluster's server (a fast shutdown: connections are cut, nothing committed is
/// lost), as an outage would; [`start_again`] brings it back on the same port.
pub fn stop() {
    let server = SERVER.get().expect("the cluster was started");
    let mut pg_ctl = server.command("pg_ctl");
    pg_ctl
        .args(["stop", "-m", "fast", "-w", "-D"])
        .arg(&server.data);
    run(&mut pg_ctl, "pg_ctl stop");
}

/// Starts the cluster's server again after [`stop`].
pub fn start_again() {
    SERVER.get().expect("the cluster was started").spawn();
}

/// The cluster's `postgres` database (started on first use).
pub fn cluster() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(start)
}

/// A new, empty database of its own on the cluster.
pub async fn fresh_database() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let admin = cluster();
    let name = format!(
        "test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    // The server accepts connections a moment after it listens: try for a while.
    let deadline = Instant::now() + Duration::from_secs(30);
    let client = loop {
        match tokio_postgres::connect(admin, tokio_postgres::NoTls).await {
            Ok((client, connection)) => {
                tokio::spawn(connection);
                break client;
            }
            Err(error) => {
                assert!(
                    Instant::now() < deadline,
                    "cannot connect to {admin}: {error}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let data: String = client
        .query_one("SHOW data_directory", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        Path::new(&data),
        SERVER.get().unwrap().data.as_path(),
        "the server on the port is the test's"
    );
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    admin.replace("/postgres", &format!("/{name}"))
}
