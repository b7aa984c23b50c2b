//! `nps-collector report`: the report of `GET /v1/report` from the command line, read from the
//! database file, computed by the same [`super::build`].

use std::io::Write;

use clap::Args;

use super::{build, text, ReportError, ReportParams};
use crate::state::system_clock;
use crate::storage::{Access, Database};

/// The flags of `report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The database to read: a SQLite file or a postgres:// URL
    #[arg(
        long,
        env = "NPS_DB",
        default_value = "nps.sqlite3",
        value_name = "DB",
        value_parser = Database::parse
    )]
    pub db: Database,

    /// Survey id
    #[arg(long, default_value = "nps", value_name = "ID")]
    pub survey: String,

    /// First day (YYYY-MM-DD in --tz); default: 89 days before --to
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,

    /// Last day, included (YYYY-MM-DD in --tz); default: today
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,

    /// IANA time zone of the days
    #[arg(long, default_value = "UTC", value_name = "ZONE")]
    pub tz: String,

    /// Trend interval: day, week (from Monday) or month
    #[arg(long, default_value = "week", value_name = "INTERVAL")]
    pub interval: String,

    /// Count only answers whose PATH has VALUE; repeatable, all must hold
    #[arg(long = "where", value_name = "PATH:VALUE")]
    pub filters: Vec<String>,

    /// Break the figures down by the values of PATH
    #[arg(long, value_name = "PATH")]
    pub by: Option<String>,

    /// Print the report as the API's JSON
    #[arg(long)]
    pub json: bool,
}

impl ReportArgs {
    /// The report's parameters of these flags.
    pub fn params(&self) -> ReportParams {
        ReportParams {
            survey: Some(self.survey.clone()),
            from: self.from.clone(),
            to: self.to.clone(),
            tz: Some(self.tz.clone()),
            interval: Some(self.interval.clone()),
            filters: self.filters.clone(),
            by: self.by.clone(),
        }
    }
}

/// Prints the report the flags ask for, "today" by the system clock.
pub fn run(args: &ReportArgs) -> Result<(), String> {
    let database = &args.db;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let now = system_clock()();
    let report = runtime.block_on(async {
        let store = database.open(Access::Read).await?;
        build(store.as_ref(), now, &args.params())
            .await
            .map_err(|error| match error {
                // The API's parameters are this command's flags of the same names.
                ReportError::Invalid { field, message } => format!("--{field}: {message}"),
                ReportError::Storage(error) => format!("cannot read {database}: {error}"),
            })
    })?;
    let output = if args.json {
        let mut json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        json.push('\n');
        json
    } else {
        text::render(&report, args.by.as_deref())
    };
    let mut out = std::io::stdout().lock();
    out.write_all(output.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command};

    fn report(args: &[&str]) -> Result<super::ReportArgs, String> {
        let argv = ["nps-collector", "report"]
            .into_iter()
            .chain(args.iter().copied());
        match Cli::try_parse_from(argv).map(Cli::into_command) {
            Ok(Command::Report(report)) => Ok(report),
            Ok(_) => panic!("{args:?}: another subcommand"),
            Err(error) => Err(error.to_string()),
        }
    }

    #[test]
    fn flags_become_the_reports_parameters() {
        let args = report(&[
            "--survey",
            "support",
            "--from=2026-09-01",
            "--to",
            "2026-11-30",
            "--tz",
            "Europe/Berlin",
            "--interval",
            "month",
            "--where",
            "language:en",
            "--where=trigger:event:x",
            "--by",
            "user.properties.plan",
            "--json",
        ])
        .unwrap();
        assert!(args.json);
        let params = args.params();
        assert_eq!(params.survey.as_deref(), Some("support"));
        assert_eq!(params.from.as_deref(), Some("2026-09-01"));
        assert_eq!(params.to.as_deref(), Some("2026-11-30"));
        assert_eq!(params.tz.as_deref(), Some("Europe/Berlin"));
        assert_eq!(params.interval.as_deref(), Some("month"));
        assert_eq!(params.filters, ["language:en", "trigger:event:x"]);
        assert_eq!(params.by.as_deref(), Some("user.properties.plan"));
    }

    #[test]
    fn defaults_are_the_apis() {
        let args = report(&[]).unwrap();
        assert!(!args.json);
        let params = args.params();
        assert_eq!(params.survey.as_deref(), Some("nps"));
        assert_eq!(params.tz.as_deref(), Some("UTC"));
        assert_eq!(params.interval.as_deref(), Some("week"));
        assert_eq!((params.from, params.to, params.by), (None, None, None));
        assert!(params.filters.is_empty());
        assert!(report(&["--addr", "127.0.0.1:0"]).is_err());
        assert!(report(&["--by"]).is_err());
    }
}
