//! The command line of `nps-collector`: subcommands, flags, their environment fallbacks and
//! defaults. `serve` is the default subcommand, so `nps-collector --addr …` serves.

use std::path::PathBuf;
use std::time::Duration as Timeout;

use clap::{ArgGroup, Args, Parser, Subcommand};
use nps_widget::core::duration::{parse_duration, Duration};
use nps_widget::core::kind::Kind;
use nps_widget::core::limits::is_survey_id;

use crate::server::ConnectionLimits;
use crate::storage::Database;
use crate::Settings;

/// Reference collector for nps-widget answers: validates, stores in SQLite, answers
/// eligibility.
#[derive(Parser)]
#[command(
    name = "nps-collector",
    version,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; `serve` when none is given.
    #[command(subcommand)]
    command: Option<Command>,
    /// The flags of `serve`, accepted without the subcommand's name.
    #[command(flatten)]
    serve: ServeArgs,
}

impl Cli {
    /// What the command line asks for: the subcommand given, or `serve` with the flags given
    /// before any subcommand.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Serve(self.serve))
    }
}

/// A subcommand of `nps-collector`.
// Made once per process: the size of `serve`'s flags does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum Command {
    /// Receive answers over HTTP (the default)
    Serve(ServeArgs),
    /// Print every stored answer as one JSON object per line
    Export(ExportArgs),
    /// Write a year of sample answers, marked as samples (or remove them with --remove)
    Seed(SeedArgs),
    /// Print the report of a survey (the figures of GET /v1/report)
    Report(crate::report::command::ReportArgs),
    /// Create, list and revoke admin tokens
    Token(crate::auth::cli::TokenArgs),
    /// Copy a SQLite database into an empty PostgreSQL one (answers, hooks and their
    /// deliveries, admin tokens and sessions)
    Migrate(MigrateArgs),
    /// Print a signed link to the hosted survey page for one user (email and link surveys)
    Link(LinkArgs),
    /// Email a survey to the users of a CSV file (or write the emails to files with --dry-run)
    Email(EmailArgs),
}

/// The flags of `link`.
#[derive(Args)]
pub struct LinkArgs {
    /// The survey's id
    #[arg(long, default_value = "nps", value_name = "ID")]
    pub survey: String,
    /// The user's id
    #[arg(long, value_name = "ID")]
    pub user: String,
    /// The user's email
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
    /// The page's language (a tag such as de or pt-BR; default the browser's)
    #[arg(long, value_name = "TAG")]
    pub language: Option<String>,
    /// The survey's kind, carried by the link (nps, csat or ces; default: the survey's id when
    /// it is one, else the kind the serving collector's --survey flag gives it)
    #[arg(long, value_name = "KIND", value_parser = kind_name)]
    pub kind: Option<Kind>,
    /// Days the link works
    #[arg(long, default_value_t = crate::links::DEFAULT_DAYS, value_name = "N")]
    pub days: u32,
    /// The collector's address as people reach it (the link's start)
    #[arg(long, env = "NPS_PUBLIC_URL", default_value = "http://127.0.0.1:8787", value_name = "URL",
          value_parser = public_url)]
    pub public_url: String,
    /// The database whose link secret signs it (made there if it has none yet)
    #[arg(
        long,
        env = "NPS_DB",
        default_value = "nps.sqlite3",
        value_name = "DB",
        value_parser = Database::parse
    )]
    pub db: Database,
}

/// The flags of `email`.
#[derive(Args)]
#[command(group(ArgGroup::new("mode").required(true).args(["dry_run", "send"])))]
pub struct EmailArgs {
    /// The survey's id
    #[arg(long, default_value = "nps", value_name = "ID")]
    pub survey: String,
    /// The survey's kind (nps, csat or ces), when its id is not one of them
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// The users: a CSV file with a header row and the columns user_id (or id), email, and
    /// optionally language and name
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// Write each email as an .eml file to DIR instead of sending it (records nothing)
    #[arg(long, value_name = "DIR")]
    pub dry_run: Option<PathBuf>,
    /// Send the emails through --smtp
    #[arg(long, requires = "smtp")]
    pub send: bool,
    /// The SMTP server: smtp://host[:port] (plain), smtp://host?tls=required (STARTTLS),
    /// smtps://host (TLS); user:password@ before the host to log in
    #[arg(long, env = "NPS_SMTP_URL", hide_env_values = true, value_name = "URL")]
    pub smtp: Option<String>,
    /// The sender: an address, or "Name <address>"
    #[arg(long, value_name = "ADDRESS")]
    pub from: String,
    /// The product's name, as the question says it
    #[arg(long, value_name = "NAME", value_parser = product)]
    pub product: String,
    /// The subject (default: the survey's question, in each user's language)
    #[arg(long, value_name = "TEXT", value_parser = subject)]
    pub subject: Option<String>,
    /// The collector's address as people reach it (the links' start)
    #[arg(long, env = "NPS_PUBLIC_URL", default_value = "http://127.0.0.1:8787", value_name = "URL",
          value_parser = public_url)]
    pub public_url: String,
    /// Days the links work
    #[arg(long, default_value_t = crate::links::DEFAULT_DAYS, value_name = "N")]
    pub days: u32,
    /// The database: the collector's (its clocks, unsubscribes and link secret)
    #[arg(
        long,
        env = "NPS_DB",
        default_value = "nps.sqlite3",
        value_name = "DB",
        value_parser = Database::parse
    )]
    pub db: Database,
    /// The clocks of eligibility: give the ones `serve` has
    #[command(flatten)]
    pub clocks: ClockArgs,
    /// Milliseconds to wait before each new try of a message the server did not take
    #[arg(
        long,
        hide = true,
        value_delimiter = ',',
        default_values_t = crate::email::send::RETRY_DELAYS_MS,
        value_name = "MS"
    )]
    pub retry_delays: Vec<u64>,
}

/// The flags of `migrate`.
#[derive(Args)]
pub struct MigrateArgs {
    /// The SQLite database to copy (migrated to this build's schema first, as `serve` would)
    #[arg(long, value_name = "sqlite:PATH", value_parser = Database::parse)]
    pub from: Database,
    /// The PostgreSQL database to copy into; it must hold no answers, hooks or tokens
    #[arg(long, value_name = "postgres://…", value_parser = Database::parse)]
    pub to: Database,
}

/// The clocks of eligibility, as `serve` and `email` both take them (`email` must judge as the
/// serving collector does).
#[derive(Args, Clone, Copy)]
pub struct ClockArgs {
    /// How long after an answered prompt a user may be asked again
    #[arg(long, default_value = "6 months", value_name = "DURATION", value_parser = throttle)]
    pub resurvey_after: Duration,

    /// How long after a dismissed prompt a user may be asked again
    #[arg(long, default_value = "6 months", value_name = "DURATION", value_parser = throttle)]
    pub decline_resurvey_after: Duration,

    /// After any survey was shown to a user, how long before another survey may be ("0 days":
    /// no gap)
    #[arg(long, default_value = "14 days", value_name = "DURATION", value_parser = throttle)]
    pub survey_gap: Duration,
}

impl ClockArgs {
    /// The clocks as eligibility takes them.
    pub fn clocks(&self) -> crate::api::eligibility::Clocks {
        crate::api::eligibility::Clocks {
            resurvey_after: self.resurvey_after,
            decline_resurvey_after: self.decline_resurvey_after,
            survey_gap: self.survey_gap,
        }
    }
}

/// The flags of `serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port
    #[arg(
        long,
        env = "NPS_ADDR",
        default_value = "127.0.0.1:8787",
        value_name = "HOST:PORT"
    )]
    pub addr: String,

    /// Where answers are kept: a SQLite file (created if missing; `sqlite:PATH` also works) or a
    /// PostgreSQL URL, postgres://USER:PASSWORD@HOST:PORT/NAME, shared by any number of
    /// collectors
    #[arg(
        long,
        env = "NPS_DB",
        default_value = "nps.sqlite3",
        value_name = "DB",
        value_parser = Database::parse
    )]
    pub db: Database,

    /// Directory served at / (the demo app)
    #[arg(long, env = "NPS_WWW", value_name = "DIR")]
    pub www: Option<PathBuf>,

    /// Directory served at /nps-widget/ (the built widget package)
    #[arg(long, env = "NPS_PKG", value_name = "DIR")]
    pub pkg: Option<PathBuf>,

    /// Origin allowed to call the API from a browser; repeatable, * allows any
    /// [env: NPS_CORS_ORIGINS, comma separated]
    #[arg(
        long = "cors-origin",
        env = "NPS_CORS_ORIGINS",
        value_name = "ORIGIN",
        value_delimiter = ',',
        hide_env = true,
        value_parser = trimmed
    )]
    pub cors_origins: Vec<String>,

    /// Requests per minute and client IP on /v1/*; 0 disables the limit
    #[arg(long, env = "NPS_RATE_LIMIT", default_value_t = 60, value_name = "N")]
    pub rate_limit: u32,

    /// The clocks of eligibility
    #[command(flatten)]
    pub clocks: ClockArgs,

    /// Turns on identity verification: a body or eligibility query naming a user must carry
    /// the hex HMAC-SHA256 of the user id under this secret. Never printed
    #[arg(
        long,
        env = "NPS_IDENTITY_SECRET",
        hide_env_values = true,
        value_name = "SECRET",
        value_parser = identity_secret
    )]
    pub identity_secret: Option<String>,

    /// Time a connection has to send a complete request head, from when it is ready for one
    /// (this also closes an idle keep-alive connection)
    #[arg(long, env = "NPS_HEADER_TIMEOUT", default_value = "10s", value_name = "TIME", value_parser = timeout)]
    pub header_timeout: Timeout,

    /// A connection with no request being handled and no byte moving for this long is closed
    #[arg(long, env = "NPS_IDLE_TIMEOUT", default_value = "30s", value_name = "TIME", value_parser = timeout)]
    pub idle_timeout: Timeout,

    /// Time a request body has to arrive in full, from the end of its head; then 408
    #[arg(long, env = "NPS_BODY_TIMEOUT", default_value = "30s", value_name = "TIME", value_parser = timeout)]
    pub body_timeout: Timeout,

    /// Most connections open at once; while at the cap, new ones wait in the listen queue
    #[arg(long, env = "NPS_MAX_CONNECTIONS", default_value_t = 512, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// On SIGTERM or Ctrl-C, how long to wait for requests in flight before exiting anyway
    #[arg(long, env = "NPS_SHUTDOWN_TIMEOUT", default_value = "5s", value_name = "TIME", value_parser = timeout)]
    pub shutdown_timeout: Timeout,

    /// The collector's address as people reach it (https://nps.example.com), for links to
    /// the dashboard in hook messages
    #[arg(long, env = "NPS_PUBLIC_URL", value_name = "URL", value_parser = public_url)]
    pub public_url: Option<String>,

    /// Lets hooks send to private, loopback and link-local addresses (refused otherwise)
    #[arg(long, env = "NPS_ALLOW_PRIVATE_HOOKS")]
    pub allow_private_hooks: bool,

    /// The product's name, as the hosted survey page asks about it ("How likely are you to
    /// recommend NAME…"); default: the host name people reach the collector by
    #[arg(long, env = "NPS_PRODUCT", value_name = "NAME", value_parser = product)]
    pub product: Option<String>,

    /// The hosted survey page's accent colour, #rrggbb
    #[arg(long, env = "NPS_ACCENT", value_name = "COLOUR", value_parser = accent)]
    pub accent: Option<String>,

    /// The kind of a survey other than nps, csat and ces (whose kind is their id), for its
    /// hosted page: support=csat; repeatable [env: NPS_SURVEYS, comma separated]
    #[arg(long = "survey", value_name = "ID=KIND", value_parser = survey_kind,
          value_delimiter = ',', env = "NPS_SURVEYS", hide_env = true)]
    pub surveys: Vec<(String, Kind)>,
}

impl ServeArgs {
    /// How the collector behaves, from these flags.
    pub fn settings(&self) -> Settings {
        Settings {
            cors_origins: self
                .cors_origins
                .iter()
                .filter(|origin| !origin.is_empty())
                .cloned()
                .collect(),
            rate_limit: self.rate_limit,
            resurvey_after: self.clocks.resurvey_after,
            decline_resurvey_after: self.clocks.decline_resurvey_after,
            survey_gap: self.clocks.survey_gap,
            www: self.www.clone(),
            pkg: self.pkg.clone(),
            identity_secret: self.identity_secret.clone(),
            body_timeout: self.body_timeout,
            public_url: self.public_url.clone(),
            allow_private_hooks: self.allow_private_hooks,
            product: self.product.clone(),
            accent: self.accent.clone(),
            survey_kinds: self.surveys.clone(),
            ..Settings::default()
        }
    }

    /// The connection limits of the server, from these flags.
    pub fn limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: self.header_timeout,
            idle_timeout: self.idle_timeout,
            max_connections: self.max_connections as usize,
            shutdown_timeout: self.shutdown_timeout,
        }
    }
}

/// The flags of `export`.
#[derive(Args)]
pub struct ExportArgs {
    /// The database to read: a SQLite file or a postgres:// URL
    #[arg(
        long,
        env = "NPS_DB",
        default_value = "nps.sqlite3",
        value_name = "DB",
        value_parser = Database::parse
    )]
    pub db: Database,
}

/// The flags of `seed`.
#[derive(Args)]
pub struct SeedArgs {
    /// The database to write: a SQLite file (created and migrated if needed) or a postgres://
    /// URL
    #[arg(
        long,
        env = "NPS_DB",
        default_value = "nps.sqlite3",
        value_name = "DB",
        value_parser = Database::parse
    )]
    pub db: Database,
    /// How many sample answers to write (displays, declines and responses)
    #[arg(long, default_value_t = 2_000, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=5_000_000))]
    pub answers: u32,
    /// Seed of the generator: the same seed writes the same answers
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// Delete every sample answer instead (real answers are never touched)
    #[arg(long, conflicts_with_all = ["answers", "seed"])]
    pub remove: bool,
}

/// An origin from a list, without the spaces around it (`"a, b"` is two origins).
fn trimmed(text: &str) -> Result<String, String> {
    Ok(text.trim().to_owned())
}

/// A product name: 1 to 100 characters, without control characters (it goes into a line of
/// text, and into an email's subject).
pub(crate) fn product(text: &str) -> Result<String, String> {
    one_line(text, 100).map_err(|()| "expected a name of 1 to 100 characters on one line".into())
}

/// An email's subject: 1 to 200 characters, without control characters (a line break would end
/// the header).
pub(crate) fn subject(text: &str) -> Result<String, String> {
    one_line(text, 200).map_err(|()| "expected a subject of 1 to 200 characters on one line".into())
}

/// `text` trimmed, if it is 1 to `max` characters without a control character.
fn one_line(text: &str, max: usize) -> Result<String, ()> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(());
    }
    Ok(text.to_owned())
}

/// An accent colour: `#rrggbb`, kept in lowercase.
fn accent(text: &str) -> Result<String, String> {
    let hex = text.strip_prefix('#').unwrap_or("");
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("expected a colour #rrggbb".into());
    }
    Ok(text.to_ascii_lowercase())
}

/// A survey kind: `nps`, `csat` or `ces`.
fn kind_name(text: &str) -> Result<Kind, String> {
    Kind::from_name(text).ok_or_else(|| format!("{text:?} is no kind: nps, csat or ces"))
}

/// `ID=KIND`: a survey id and one of `nps`, `csat`, `ces`.
fn survey_kind(text: &str) -> Result<(String, Kind), String> {
    let (id, kind) = text
        .trim()
        .split_once('=')
        .ok_or("expected ID=KIND, such as support=csat")?;
    if !is_survey_id(id) {
        return Err(format!(
            "{id:?} is no survey id: 1 to 64 characters of a-z, 0-9, - and _"
        ));
    }
    let kind = Kind::from_name(kind).ok_or(format!("{kind:?} is no kind: nps, csat or ces"))?;
    Ok((id.to_owned(), kind))
}

/// A resurvey duration: `"6 months"`, `"30 days"`, `"2 weeks"`.
pub(crate) fn throttle(text: &str) -> Result<Duration, String> {
    parse_duration(text).ok_or_else(|| {
        "expected a duration like \"6 months\", \"30 days\" or \"2 weeks\"".to_owned()
    })
}

/// Fewest bytes in an identity secret: a short one could be guessed from a few user hashes.
const MIN_SECRET_BYTES: usize = 16;

/// An identity secret: at least [`MIN_SECRET_BYTES`] bytes (an empty one would turn
/// verification on with a key anyone knows).
fn identity_secret(text: &str) -> Result<String, String> {
    if text.len() < MIN_SECRET_BYTES {
        return Err(format!("expected a secret of at least {MIN_SECRET_BYTES} bytes, e.g. from `openssl rand -hex 32`"));
    }
    Ok(text.to_owned())
}

/// A public URL: `http` or `https`, a host, no query or fragment; kept without a trailing
/// slash, so that paths can be added to it.
pub(crate) fn public_url(text: &str) -> Result<String, String> {
    let expected = || "expected an http:// or https:// URL like https://nps.example.com".to_owned();
    let uri: axum::http::Uri = text.trim().parse().map_err(|_| expected())?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    if !scheme_ok || uri.authority().is_none() || uri.query().is_some() || text.contains('#') {
        return Err(expected());
    }
    Ok(uri.to_string().trim_end_matches('/').to_owned())
}

/// Longest accepted timeout: a day.
const MAX_TIMEOUT: Timeout = Timeout::from_secs(86_400);

/// A timeout: a whole number of seconds (`10`, `10s`), milliseconds (`500ms`) or minutes
/// (`2m`), more than zero and at most a day.
fn timeout(text: &str) -> Result<Timeout, String> {
    let expected = || "expected a time like \"10s\", \"500ms\" or \"2m\"".to_owned();
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| expected())?;
    let timeout = match unit.trim() {
        "" | "s" => Timeout::from_secs(number),
        "ms" => Timeout::from_millis(number),
        "m" => Timeout::from_secs(number.saturating_mul(60)),
        _ => return Err(expected()),
    };
    if timeout.is_zero() || timeout > MAX_TIMEOUT {
        return Err("must be more than zero and at most a day".to_owned());
    }
    Ok(timeout)
}

#[cfg(test)]
mod tests {
    use std::sync::{Mutex, MutexGuard, PoisonError};

    use super::*;

    /// Every variable the command line reads.
    const VARIABLES: [&str; 14] = [
        "NPS_ADDR",
        "NPS_DB",
        "NPS_WWW",
        "NPS_PKG",
        "NPS_CORS_ORIGINS",
        "NPS_RATE_LIMIT",
        "NPS_IDENTITY_SECRET",
        "NPS_HEADER_TIMEOUT",
        "NPS_IDLE_TIMEOUT",
        "NPS_BODY_TIMEOUT",
        "NPS_MAX_CONNECTIONS",
        "NPS_SHUTDOWN_TIMEOUT",
        "NPS_PUBLIC_URL",
        "NPS_ALLOW_PRIVATE_HOOKS",
    ];

    /// The process environment for one test: the tests that parse take turns, each starting
    /// with none of the collector's variables set, and unset what they set when they end.
    struct Environment(#[allow(dead_code)] MutexGuard<'static, ()>);

    impl Environment {
        fn empty() -> Self {
            static TURN: Mutex<()> = Mutex::new(());
            let guard = TURN.lock().unwrap_or_else(PoisonError::into_inner);
            Self::clear();
            Environment(guard)
        }

        fn set(&self, key: &str, value: &str) {
            std::env::set_var(key, value);
        }

        fn clear() {
            for key in VARIABLES {
                std::env::remove_var(key);
            }
        }
    }

    impl Drop for Environment {
        fn drop(&mut self) {
            Self::clear();
        }
    }

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        let argv = std::iter::once("nps-collector").chain(args.iter().copied());
        Cli::try_parse_from(argv).map(Cli::into_command)
    }

    fn serve(args: &[&str]) -> ServeArgs {
        match parse(args) {
            Ok(Command::Serve(serve)) => serve,
            Ok(_) => panic!("{args:?}: another subcommand, expected serve"),
            Err(error) => panic!("{args:?}: {error}"),
        }
    }

    fn error(args: &[&str]) -> String {
        match parse(args) {
            Ok(_) => panic!("{args:?} was accepted"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn the_defaults() {
        let _env = Environment::empty();
        for args in [&[][..], &["serve"]] {
            let serve = serve(args);
            assert_eq!(serve.addr, "127.0.0.1:8787");
            assert_eq!(serve.db, Database::Sqlite(PathBuf::from("nps.sqlite3")));
            let settings = serve.settings();
            assert_eq!(settings.www, None);
            assert_eq!(settings.pkg, None);
            assert!(settings.cors_origins.is_empty());
            assert_eq!(settings.rate_limit, 60);
            assert_eq!(settings.resurvey_after, Duration::Months(6));
            assert_eq!(settings.decline_resurvey_after, Duration::Months(6));
            assert_eq!(settings.survey_gap, Duration::Days(14));
            assert_eq!(settings.identity_secret, None);
            assert_eq!(settings.body_timeout, Timeout::from_secs(30));
            assert_eq!(settings.public_url, None);
            assert!(!settings.allow_private_hooks);
            assert_eq!(settings.hook_timeout, Timeout::from_secs(10));
            assert_eq!(serve.limits(), ConnectionLimits::default());
        }
        assert_eq!(
            ConnectionLimits::default().header_timeout,
            Timeout::from_secs(10)
        );
        assert_eq!(
            ConnectionLimits::default().idle_timeout,
            Timeout::from_secs(30)
        );
        assert_eq!(ConnectionLimits::default().max_connections, 512);
        assert_eq!(
            ConnectionLimits::default().shutdown_timeout,
            Timeout::from_secs(5)
        );
    }

    #[test]
    fn serve_is_the_default_subcommand() {
        let _env = Environment::empty();
        let args = [
            "--addr",
            "127.0.0.1:0",
            "--rate-limit=0",
            "--db",
            "a.sqlite3",
        ];
        let without = serve(&args);
        let mut named = vec!["serve"];
        named.extend(args);
        let with = serve(&named);
        for serve in [without, with] {
            assert_eq!(serve.addr, "127.0.0.1:0");
            assert_eq!(serve.rate_limit, 0);
            assert_eq!(serve.db, Database::Sqlite(PathBuf::from("a.sqlite3")));
        }
        match parse(&["export", "--db", "f.sqlite3"]) {
            Ok(Command::Export(export)) => {
                assert_eq!(export.db, Database::Sqlite(PathBuf::from("f.sqlite3")))
            }
            _ => panic!("expected export"),
        }
        let url = "postgres://nps:pw@db.internal:5432/nps";
        assert_eq!(serve(&["--db", url]).db, Database::Postgres(url.into()));
        assert_eq!(
            serve(&["--db", "sqlite:b.db"]).db,
            Database::Sqlite(PathBuf::from("b.db"))
        );
        // A URL is read when opened: were it refused here, clap would print it, password and all.
        let unreadable = "postgres://nps:s3cret@db/nps?sslmode=sometimes";
        assert_eq!(
            serve(&["--db", unreadable]).db,
            Database::Postgres(unreadable.into())
        );
    }

    #[test]
    fn the_environment_fills_in_what_flags_leave_out() {
        let env = Environment::empty();
        env.set("NPS_ADDR", "0.0.0.0:9000");
        env.set("NPS_DB", "env.sqlite3");
        env.set("NPS_WWW", "www");
        env.set("NPS_PKG", "pkg");
        env.set("NPS_CORS_ORIGINS", "https://a.example, https://b.example,");
        env.set("NPS_RATE_LIMIT", "5");
        env.set("NPS_IDENTITY_SECRET", "s3cret-s3cret-s3cret");
        env.set("NPS_HEADER_TIMEOUT", "2s");
        env.set("NPS_IDLE_TIMEOUT", "3");
        env.set("NPS_BODY_TIMEOUT", "1500ms");
        env.set("NPS_MAX_CONNECTIONS", "8");
        env.set("NPS_SHUTDOWN_TIMEOUT", "1m");
        env.set("NPS_PUBLIC_URL", "https://nps.example.com/");
        env.set("NPS_ALLOW_PRIVATE_HOOKS", "true");
        let serve = serve(&[]);
        assert_eq!(serve.addr, "0.0.0.0:9000");
        assert_eq!(serve.db, Database::Sqlite(PathBuf::from("env.sqlite3")));
        let settings = serve.settings();
        assert_eq!(settings.www, Some(PathBuf::from("www")));
        assert_eq!(settings.pkg, Some(PathBuf::from("pkg")));
        assert_eq!(
            settings.cors_origins,
            ["https://a.example", "https://b.example"]
        );
        assert_eq!(settings.rate_limit, 5);
        assert_eq!(
            settings.identity_secret.as_deref(),
            Some("s3cret-s3cret-s3cret")
        );
        assert_eq!(settings.body_timeout, Timeout::from_millis(1500));
        assert_eq!(
            settings.public_url.as_deref(),
            Some("https://nps.example.com")
        );
        assert!(settings.allow_private_hooks);
        assert_eq!(
            serve.limits(),
            ConnectionLimits {
                header_timeout: Timeout::from_secs(2),
                idle_timeout: Timeout::from_secs(3),
                max_connections: 8,
                shutdown_timeout: Timeout::from_secs(60),
            }
        );
        // `export` reads the same database variable.
        match parse(&["export"]) {
            Ok(Command::Export(export)) => {
                assert_eq!(export.db, Database::Sqlite(PathBuf::from("env.sqlite3")))
            }
            _ => panic!("expected export"),
        }
    }

    #[test]
    fn flags_override_the_environment() {
        let env = Environment::empty();
        env.set("NPS_ADDR", "0.0.0.0:9000");
        env.set("NPS_CORS_ORIGINS", "https://a.example,https://b.example");
        env.set("NPS_RATE_LIMIT", "5");
        env.set("NPS_IDENTITY_SECRET", "from-env-0123456789");
        env.set("NPS_MAX_CONNECTIONS", "8");
        let serve = serve(&[
            "serve",
            "--addr=127.0.0.1:1",
            "--cors-origin",
            "*",
            "--rate-limit",
            "0",
            "--resurvey-after",
            "3 months",
            "--decline-resurvey-after",
            "2 weeks",
            "--survey-gap",
            "0 days",
            "--identity-secret",
            "from-flag-0123456789",
            "--max-connections",
            "9",
            "--header-timeout",
            "1s",
            "--public-url",
            "http://127.0.0.1:8787/nps/",
            "--allow-private-hooks",
        ]);
        assert_eq!(serve.addr, "127.0.0.1:1");
        let settings = serve.settings();
        assert_eq!(settings.cors_origins, ["*"]);
        assert_eq!(settings.rate_limit, 0);
        assert_eq!(settings.resurvey_after, Duration::Months(3));
        assert_eq!(settings.decline_resurvey_after, Duration::Days(14));
        assert_eq!(settings.survey_gap, Duration::Days(0));
        assert_eq!(
            settings.identity_secret.as_deref(),
            Some("from-flag-0123456789")
        );
        assert_eq!(serve.limits().max_connections, 9);
        assert_eq!(serve.limits().header_timeout, Timeout::from_secs(1));
        assert_eq!(
            settings.public_url.as_deref(),
            Some("http://127.0.0.1:8787/nps")
        );
        assert!(settings.allow_private_hooks);

        let serve = super::tests::serve(&[
            "--cors-origin",
            "https://c.example",
            "--cors-origin=https://d.example",
        ]);
        assert_eq!(
            serve.settings().cors_origins,
            ["https://c.example", "https://d.example"]
        );
    }

    #[test]
    fn bad_values_are_errors_naming_the_flag() {
        let _env = Environment::empty();
        for (args, flag) in [
            (&["--rate-limit", "many"][..], "--rate-limit"),
            (&["--rate-limit=-1"], "--rate-limit"),
            (&["--resurvey-after", "soon"], "--resurvey-after"),
            (
                &["--decline-resurvey-after", "6 fortnights"],
                "--decline-resurvey-after",
            ),
            (&["--header-timeout", "0"], "--header-timeout"),
            (&["--idle-timeout", "10 parsecs"], "--idle-timeout"),
            (&["--body-timeout", "2d"], "--body-timeout"),
            (&["--shutdown-timeout", ""], "--shutdown-timeout"),
            (&["--max-connections", "0"], "--max-connections"),
            (&["serve", "--max-connections", "lots"], "--max-connections"),
            (&["--identity-secret", ""], "--identity-secret"),
            (&["--identity-secret", "short"], "--identity-secret"),
            (&["--public-url", "nps.example.com"], "--public-url"),
            (&["--public-url", "ftp://nps.example.com"], "--public-url"),
            (
                &["--public-url", "https://nps.example.com/?a=1"],
                "--public-url",
            ),
        ] {
            let message = error(args);
            assert!(message.contains(flag), "{args:?}: {message}");
        }
        let message = error(&["--resurvey-after", "soon"]);
        assert!(message.contains("6 months"), "{message}");
    }

    #[test]
    fn a_bad_environment_value_is_an_error() {
        let env = Environment::empty();
        env.set("NPS_RATE_LIMIT", "many");
        let message = error(&[]);
        assert!(message.contains("--rate-limit"), "{message}");
    }

    #[test]
    fn unknown_flags_and_misplaced_flags_are_errors() {
        let _env = Environment::empty();
        for args in [
            &["--nope"][..],
            &["--nope", "1"],
            &["serve", "--decline"],
            &["export", "--addr", "x"],
            &["export", "--db", "f", "--rate-limit", "1"],
            &["--db"],
            &["--addr", "127.0.0.1:0", "export"],
            &["frobnicate"],
        ] {
            error(args);
        }
    }

    #[test]
    fn the_identity_secret_never_prints() {
        let env = Environment::empty();
        env.set("NPS_IDENTITY_SECRET", "hunter2-secret-hunter2");
        let help = error(&["--help"]);
        assert!(help.contains("--identity-secret"), "{help}");
        assert!(!help.contains("hunter2-secret-hunter2"), "{help}");
        let settings = serve(&[]).settings();
        assert!(!format!("{settings:?}").contains("hunter2-secret-hunter2"));
    }

    #[test]
    fn timeouts_read_seconds_milliseconds_and_minutes() {
        assert_eq!(timeout("10"), Ok(Timeout::from_secs(10)));
        assert_eq!(timeout(" 10s "), Ok(Timeout::from_secs(10)));
        assert_eq!(timeout("500ms"), Ok(Timeout::from_millis(500)));
        assert_eq!(timeout("2m"), Ok(Timeout::from_secs(120)));
        assert_eq!(timeout("1440m"), Ok(MAX_TIMEOUT));
        for bad in ["", "s", "0s", "0ms", "1441m", "1.5s", "-1s", "10 sec", "1h"] {
            assert!(timeout(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_command_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
