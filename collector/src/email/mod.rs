//! `nps-collector email`: a survey by email to the users of a CSV file. Each user who may be
//! asked (not unsubscribed, eligible by the collector's clock rules: the same decision as
//! `GET /v1/eligibility`) gets an email in their language ([`render`]) whose scores link to
//! their survey link; with `--dry-run DIR` the messages are written as `.eml` files, with
//! `--send` they go out over SMTP ([`send`]) and each one accepted is recorded as the display
//! of the answer its link collects (channel `email`), so that the user is on one clock across
//! channels.

pub mod render;
pub mod send;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, Message};
use nps_widget::core::kind::Kind;
use nps_widget::core::limits::{is_survey_id, MAX_FIELD_CHARS, MAX_ID_CHARS};
use nps_widget::core::time::format_timestamp;
use serde_json::json;

use crate::api::eligibility::{self, Clocks};
use crate::cli::EmailArgs;
use crate::links::{self, LinkRequest};
use crate::storage::{Access, Applied, Store};

/// One user of the CSV file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// The row's number in the file (the header is row 1).
    pub row: usize,
    /// The user's id.
    pub user_id: String,
    /// Their address, as written.
    pub email: String,
    /// Their language, if the file says.
    pub language: Option<String>,
    /// Their name, if the file says.
    pub name: Option<String>,
}

/// Reads the users of a CSV file: a header row naming `user_id` (or `id`) and `email`, and
/// optionally `language` and `name` (other columns are ignored). A row without a user id or
/// with an impossible value is an error naming the row and the column; an address that is not
/// one is left for the campaign to skip.
pub fn read_csv(reader: impl std::io::Read) -> Result<Vec<Recipient>, String> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers = csv
        .headers()
        .map_err(|error| format!("the header row cannot be read: {error}"))?
        .clone();
    let column = |names: &[&str]| {
        headers.iter().position(|header| {
            names.iter().any(|name| {
                header
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(name)
            })
        })
    };
    let user_column = column(&["user_id", "id"])
        .ok_or("the header row has no user_id (or id) column; it names the columns: user_id, email, language, name")?;
    let email_column = column(&["email"]).ok_or(
        "the header row has no email column; it names the columns: user_id, email, language, name",
    )?;
    let (language_column, name_column) = (column(&["language"]), column(&["name"]));
    let mut recipients = Vec::new();
    for (at, record) in csv.records().enumerate() {
        let row = at + 2;
        let record = record.map_err(|error| format!("row {row}: cannot be read: {error}"))?;
        let cell = |index: Option<usize>| {
            index
                .and_then(|i| record.get(i))
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        let user_id = cell(Some(user_column))
            .ok_or_else(|| format!("row {row}, column {}: no user id", &headers[user_column]))?;
        if user_id.chars().count() > MAX_ID_CHARS || user_id.contains('\0') {
            return Err(format!(
                "row {row}, column {}: a user id has at most {MAX_ID_CHARS} characters, without NUL",
                &headers[user_column]
            ));
        }
        let language = cell(language_column);
        if let Some(tag) = &language {
            let ok = (2..=35).contains(&tag.len())
                && tag
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !ok {
                return Err(format!(
                    "row {row}, column language: {tag:?} is not a language tag like de or pt-BR"
                ));
            }
        }
        let name = cell(name_column);
        if name
            .as_ref()
            .is_some_and(|name| name.chars().count() > MAX_FIELD_CHARS)
        {
            return Err(format!(
                "row {row}, column name: at most {MAX_FIELD_CHARS} characters"
            ));
        }
        recipients.push(Recipient {
            row,
            user_id,
            email: cell(Some(email_column)).unwrap_or_default(),
            language,
            name,
        });
    }
    Ok(recipients)
}

/// Whether `email` is an address a message can go to: one `@`, something on each side, no
/// space, within the wire format's length, and one lettre accepts.
pub fn is_address(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.chars().count() <= MAX_FIELD_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.parse::<Address>().is_ok()
}

/// Where the messages go.
pub enum Outbox {
    /// Written as `.eml` files to a directory; nothing recorded.
    Directory(PathBuf),
    /// Sent over SMTP; each one accepted recorded as a display.
    Smtp(send::Sender),
}

/// A campaign: which survey, from whom, how long the links work, by which rules.
pub struct Campaign {
    /// The survey's id.
    pub survey: String,
    /// Its kind.
    pub kind: Kind,
    /// The product's name.
    pub product: String,
    /// The subject, when not the question.
    pub subject: Option<String>,
    /// The sender.
    pub from: Mailbox,
    /// The links' start (`https://nps.example.com`).
    pub base: String,
    /// Days the links work.
    pub days: u32,
    /// The clock rules.
    pub clocks: Clocks,
}

/// What a campaign did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Messages the SMTP server accepted.
    pub sent: usize,
    /// Messages written to files.
    pub written: usize,
    /// Users skipped, by reason.
    pub skipped: BTreeMap<&'static str, usize>,
    /// Messages not sent: the user's id and why.
    pub failed: Vec<(String, String)>,
    /// Why the campaign stopped before its last user, if it did.
    pub stopped: Option<String>,
}

/// Messages in a row that may not be sent, for a reason other than a permanent refusal, after
/// which a campaign stops: the server is down or refuses everything for now. The users not
/// emailed yet get their email from the next run (those emailed are skipped by it).
pub const STOP_AFTER_FAILURES: usize = 3;

/// A user skipped: unsubscribed.
pub const UNSUBSCRIBED: &str = "unsubscribed";
/// A user skipped: may not be asked now.
pub const NOT_ELIGIBLE: &str = "not eligible";
/// A user skipped: already on an earlier row (same user id or address).
pub const DUPLICATE: &str = "duplicate";
/// A user skipped: no address a message can go to.
pub const INVALID_EMAIL: &str = "invalid email";

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let skipped: usize = self.skipped.values().sum();
        write!(
            f,
            "sent {}, written {}, skipped {skipped}",
            self.sent, self.written
        )?;
        if skipped > 0 {
            let reasons: Vec<String> = self
                .skipped
                .iter()
                .map(|(reason, n)| format!("{n} {reason}"))
                .collect();
            write!(f, " ({})", reasons.join(", "))?;
        }
        write!(f, ", failed {}", self.failed.len())?;
        if let Some(why) = &self.stopped {
            write!(f, "; stopped: {why}")?;
        }
        Ok(())
    }
}

/// The message of one email to `to`, with its unsubscribe headers.
fn message(
    campaign: &Campaign,
    to: Mailbox,
    email: &render::Email,
    unsubscribe: &str,
) -> Result<Message, String> {
    // An id in the sender's domain, as spam filters like it.
    let id = format!(
        "<{}@{}>",
        hex::encode(rand::random::<[u8; 16]>()),
        campaign.from.email.domain()
    );
    Message::builder()
        .message_id(Some(id))
        .from(campaign.from.clone())
        .to(to)
        .subject(email.subject.clone())
        .header(send::ListUnsubscribe(unsubscribe.to_owned()))
        .header(send::ListUnsubscribePost)
        .header(send::AutoSubmitted)
        .multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            email.html.clone(),
        ))
        .map_err(|error| format!("cannot build the message: {error}"))
}

/// A file name for the `index`th message, to `user_id`: the number, then the id's safe
/// characters.
fn file_name(index: usize, user_id: &str) -> String {
    let safe: String = user_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(48)
        .collect();
    format!("{index:05}-{safe}.eml")
}

/// Runs `campaign` for `recipients` into `outbox`, with the store's clocks, unsubscribes and
/// link secret; `now` gives the time (epoch ms). Fails (leaving the rest unsent) only when
/// the store or the directory fails.
pub async fn run_campaign(
    store: &dyn Store,
    campaign: &Campaign,
    recipients: &[Recipient],
    outbox: &Outbox,
    now: &(dyn Fn() -> i64 + Send + Sync),
) -> Result<Summary, String> {
    let mut summary = Summary::default();
    let (mut ids, mut addresses) = (HashSet::new(), HashSet::new());
    let mut failures_in_a_row = 0;
    for recipient in recipients {
        let address_key = recipient.email.to_lowercase();
        if !ids.insert(recipient.user_id.clone())
            || (!address_key.is_empty() && !addresses.insert(address_key))
        {
            *summary.skipped.entry(DUPLICATE).or_default() += 1;
            continue;
        }
        let Some(address) = Some(recipient.email.as_str())
            .filter(|email| is_address(email))
            .and_then(|email| email.parse::<Address>().ok())
        else {
            *summary.skipped.entry(INVALID_EMAIL).or_default() += 1;
            continue;
        };
        let storage = |e: crate::storage::StorageError| format!("the database failed: {e}");
        if store
            .is_unsubscribed(&recipient.user_id, Some(&recipient.email))
            .await
            .map_err(storage)?
        {
            *summary.skipped.entry(UNSUBSCRIBED).or_default() += 1;
            continue;
        }
        let decision = eligibility::decide(
            store,
            &recipient.user_id,
            &campaign.survey,
            &campaign.clocks,
            now(),
        )
        .await
        .map_err(storage)?;
        if !decision.eligible {
            *summary.skipped.entry(NOT_ELIGIBLE).or_default() += 1;
            continue;
        }

        let request = LinkRequest {
            survey: campaign.survey.clone(),
            user_id: recipient.user_id.clone(),
            email: Some(recipient.email.clone()),
            language: recipient.language.clone(),
            days: campaign.days,
            kind: Some(campaign.kind),
        };
        request
            .check()
            .map_err(|(field, message)| format!("row {}: {field}: {message}", recipient.row))?;
        let link = links::make(store, &campaign.base, &request, now())
            .await
            .map_err(storage)?;
        let (page, token) = link
            .split_once("?t=")
            .ok_or("a link without a token was made")?;
        let unsubscribe = format!("{}/unsubscribe?t={token}", campaign.base);
        let language = recipient.language.as_deref().unwrap_or("en");
        let email = render::render(&render::Content {
            kind: campaign.kind,
            product: &campaign.product,
            subject: campaign.subject.as_deref(),
            language,
            link: &link,
            unsubscribe: &unsubscribe,
        })?;
        let to = Mailbox::new(recipient.name.clone(), address);
        let message = message(campaign, to, &email, &unsubscribe)
            .map_err(|e| format!("row {}: {e}", recipient.row))?;

        match outbox {
            Outbox::Directory(dir) => {
                let path = dir.join(file_name(summary.written + 1, &recipient.user_id));
                std::fs::write(&path, message.formatted())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                summary.written += 1;
            }
            Outbox::Smtp(sender) => match sender.send(&message).await {
                Ok(()) => {
                    failures_in_a_row = 0;
                    summary.sent += 1;
                    record_display(
                        store,
                        campaign,
                        recipient,
                        email.language,
                        page,
                        token,
                        now(),
                    )
                    .await
                    .map_err(|e| {
                        format!(
                            "the email to {} was sent but could not be recorded: {e}",
                            recipient.user_id
                        )
                    })?;
                }
                Err(failure) => {
                    let why = format!("{} (tried {} times)", failure.message, failure.tries);
                    eprintln!(
                        "nps-collector: row {}: the email to {} was not sent: {why}",
                        recipient.row, recipient.user_id
                    );
                    summary.failed.push((recipient.user_id.clone(), why));
                    failures_in_a_row = if failure.permanent {
                        0
                    } else {
                        failures_in_a_row + 1
                    };
                    if failures_in_a_row == STOP_AFTER_FAILURES {
                        summary.stopped = Some(format!(
                            "{STOP_AFTER_FAILURES} emails in a row could not be sent; run the \
                             command again later for the users not emailed yet"
                        ));
                        break;
                    }
                }
            },
        }
    }
    Ok(summary)
}

/// Records an email sent as the display of the answer its link collects: so the user is on
/// the same clock in every channel, and the report's response rate counts it.
async fn record_display(
    store: &dyn Store,
    campaign: &Campaign,
    recipient: &Recipient,
    language: &str,
    page: &str,
    token: &str,
    now: i64,
) -> Result<(), String> {
    let secret = links::secret(store, now).await.map_err(|e| e.to_string())?;
    let answer = links::answer_of(&secret, token);
    let body = json!({
        "id": answer.id,
        "key": answer.key,
        "type": "display",
        "kind": campaign.kind.name(),
        "survey": campaign.survey,
        "user": { "id": recipient.user_id, "email": recipient.email },
        "language": language,
        "trigger": "email",
        "page": page,
        "channel": "email",
        "shownAt": format_timestamp(now),
    });
    let answer = crate::validate::answer(&body).map_err(|invalid| invalid.message)?;
    match store.submit(answer, now).await.map_err(|e| e.to_string())? {
        Applied::Stored | Applied::Ignored => Ok(()),
        Applied::Conflict(field) => Err(format!("the stored answer has another {field}")),
    }
}

/// The kind of `survey`: its id when that names a kind, else `--kind`.
fn kind_of(survey: &str, kind: Option<&str>) -> Result<Kind, String> {
    match kind {
        Some(name) => {
            Kind::from_name(name).ok_or_else(|| "--kind: expected nps, csat or ces".to_owned())
        }
        None => Kind::from_name(survey).ok_or_else(|| {
            format!("--kind: the survey {survey:?} is not named after its kind: say --kind nps, csat or ces")
        }),
    }
}

/// `nps-collector email`: prints what it did on stdout; fails when a message could not be
/// sent.
pub fn run(args: &EmailArgs) -> Result<(), String> {
    if !is_survey_id(&args.survey) {
        return Err("--survey: 1 to 64 characters of a-z, 0-9, - and _".into());
    }
    let kind = kind_of(&args.survey, args.kind.as_deref())?;
    if !(1..=links::MAX_DAYS).contains(&args.days) {
        return Err(format!("--days: days must be 1 to {}", links::MAX_DAYS));
    }
    let from: Mailbox = args
        .from
        .parse()
        .map_err(|e| format!("--from: {e}: expected an address like nps@example.com"))?;
    let file = std::fs::File::open(&args.csv)
        .map_err(|e| format!("cannot open {}: {e}", args.csv.display()))?;
    let recipients = read_csv(file).map_err(|e| format!("{}: {e}", args.csv.display()))?;
    let outbox = match (&args.dry_run, &args.smtp) {
        (Some(dir), _) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
            Outbox::Directory(dir.clone())
        }
        (None, Some(url)) => {
            let delays = args
                .retry_delays
                .iter()
                .map(|ms| std::time::Duration::from_millis(*ms))
                .collect();
            Outbox::Smtp(send::Sender::new(url, delays)?)
        }
        (None, None) => return Err("say --dry-run DIR, or --send with --smtp URL".into()),
    };
    let campaign = Campaign {
        survey: args.survey.clone(),
        kind,
        product: args.product.clone(),
        subject: args.subject.clone(),
        from,
        base: args.public_url.clone(),
        days: args.days,
        clocks: Clocks {
            resurvey_after: args.resurvey_after,
            decline_resurvey_after: args.decline_resurvey_after,
            survey_gap: args.survey_gap,
        },
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let clock = crate::system_clock();
    let summary = runtime.block_on(async {
        let store = args.db.open(Access::Write).await?;
        run_campaign(store.as_ref(), &campaign, &recipients, &outbox, &*clock).await
    })?;
    println!("{summary}");
    if let Outbox::Directory(dir) = &outbox {
        println!("the messages are in {}", dir.display());
    }
    if summary.failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of the emails could not be sent (see above)",
            summary.failed.len()
        ))
    }
}
