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
use crate::links::{self, Link, LinkRequest};
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
    /// Their name, if the file says: on one line (every run of spaces, line breaks and other
    /// control characters made one space).
    pub name: Option<String>,
}

/// Reads the users of a CSV file: a header row naming `user_id` (or `id`) and `email`, and
/// optionally `language` and `name` (other columns are ignored). A row without a user id or
/// with an impossible value is an error naming the row and the column; an address that is not
/// one is left for the campaign to skip. A name goes into the message's `To` header, so it is
/// made one line: each run of white space and control characters becomes one space.
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
        if let Some(tag) = language
            .as_deref()
            .filter(|tag| !links::is_language_tag(tag))
        {
            return Err(format!(
                "row {row}, column language: {tag:?} is not a language tag like de or pt-BR"
            ));
        }
        let name = cell(name_column)
            .map(|name| one_line(&name))
            .filter(|name| !name.is_empty());
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

/// `text` on one line: each run of white space and control characters made one space, none at
/// either end.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
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

/// Why a campaign stopped before its last user (the store or the directory failed, or a row
/// cannot be made a message), and what it did until then.
#[derive(Debug)]
pub struct CampaignError {
    /// What was done before the error.
    pub summary: Summary,
    /// The error.
    pub message: String,
}

impl std::fmt::Display for CampaignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The address of `recipient`, if a message can go to it.
fn address_of(recipient: &Recipient) -> Option<Address> {
    Some(recipient.email.as_str())
        .filter(|email| links::is_address(email))
        .and_then(|email| email.parse().ok())
}

/// The link `recipient` is asked for, checked: in their language, English when the file names
/// none (the email's language, so that the page the link opens agrees with it).
fn link_request(campaign: &Campaign, recipient: &Recipient) -> Result<LinkRequest, String> {
    let request = LinkRequest {
        survey: campaign.survey.clone(),
        user_id: recipient.user_id.clone(),
        email: Some(recipient.email.clone()),
        language: Some(
            recipient
                .language
                .clone()
                .unwrap_or_else(|| "en".to_owned()),
        ),
        days: campaign.days,
        kind: Some(campaign.kind),
    };
    request
        .check()
        .map_err(|(field, message)| format!("row {}: {field}: {message}", recipient.row))?;
    Ok(request)
}

/// The email to `recipient` at `address` with `link`, and the language it is written in.
fn compose(
    campaign: &Campaign,
    recipient: &Recipient,
    address: Address,
    link: &Link,
) -> Result<(Message, &'static str), String> {
    let unsubscribe = links::unsubscribe_url(&campaign.base, &link.token);
    let email = render::render(&render::Content {
        kind: campaign.kind,
        product: &campaign.product,
        subject: campaign.subject.as_deref(),
        language: recipient.language.as_deref().unwrap_or("en"),
        link: &link.url,
        unsubscribe: &unsubscribe,
    })
    .map_err(|e| format!("row {}: {e}", recipient.row))?;
    let to = Mailbox::new(recipient.name.clone(), address);
    let message = message(campaign, to, &email, &unsubscribe)
        .map_err(|e| format!("row {}: {e}", recipient.row))?;
    Ok((message, email.language))
}

/// Makes (and writes out) the message of every row with an address, with a link signed by a
/// throwaway secret, so that a row that cannot be a message stops the campaign before the first
/// one goes out rather than in its middle.
fn check_messages(campaign: &Campaign, recipients: &[Recipient], now: i64) -> Result<(), String> {
    crate::cli::product(&campaign.product).map_err(|e| format!("the product: {e}"))?;
    if let Some(subject) = &campaign.subject {
        crate::cli::subject(subject).map_err(|e| format!("the subject: {e}"))?;
    }
    let secret = [0u8; 32];
    for recipient in recipients {
        let Some(address) = address_of(recipient) else {
            continue;
        };
        let request = link_request(campaign, recipient)?;
        let link = links::sign_link(&secret, &campaign.base, &request, now);
        let (message, _) = compose(campaign, recipient, address, &link)?;
        drop(message.formatted());
    }
    Ok(())
}

/// Runs `campaign` for `recipients` into `outbox`, with the store's clocks, unsubscribes and
/// link secret; `now` gives the time (epoch ms). Every message is made once before the first
/// is sent, so that a row that cannot be one stops the campaign before anything goes out.
/// Fails (leaving the rest unsent, with what was done until then) only when a row cannot be a
/// message, or the store or the directory fails.
pub async fn run_campaign(
    store: &dyn Store,
    campaign: &Campaign,
    recipients: &[Recipient],
    outbox: &Outbox,
    now: &(dyn Fn() -> i64 + Send + Sync),
) -> Result<Summary, CampaignError> {
    let mut summary = Summary::default();
    match email_all(store, campaign, recipients, outbox, now, &mut summary).await {
        Ok(()) => Ok(summary),
        Err(message) => Err(CampaignError { summary, message }),
    }
}

/// [`run_campaign`], counting in `summary` as it goes.
async fn email_all(
    store: &dyn Store,
    campaign: &Campaign,
    recipients: &[Recipient],
    outbox: &Outbox,
    now: &(dyn Fn() -> i64 + Send + Sync),
    summary: &mut Summary,
) -> Result<(), String> {
    check_messages(campaign, recipients, now())?;
    let storage = |e: crate::storage::StorageError| format!("the database failed: {e}");
    // One secret for the campaign: every link signed with it, every answer derived from it.
    let secret = links::secret(store, now()).await.map_err(storage)?;
    let page = links::page_url(&campaign.base, &campaign.survey);
    let (mut ids, mut addresses) = (HashSet::new(), HashSet::new());
    let mut failures_in_a_row = 0;
    for recipient in recipients {
        let Some(address) = address_of(recipient) else {
            *summary.skipped.entry(INVALID_EMAIL).or_default() += 1;
            continue;
        };
        // Only a row with an address counts for the rows after it.
        let address_key = recipient.email.to_lowercase();
        if ids.contains(&recipient.user_id) || addresses.contains(&address_key) {
            *summary.skipped.entry(DUPLICATE).or_default() += 1;
            continue;
        }
        ids.insert(recipient.user_id.clone());
        addresses.insert(address_key);
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

        let request = link_request(campaign, recipient)?;
        let link = links::sign_link(&secret, &campaign.base, &request, now());
        let (message, language) = compose(campaign, recipient, address, &link)?;

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
                    let answer = links::answer_of(&secret, &link.token);
                    record_display(store, campaign, recipient, language, &page, &answer, now())
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
    Ok(())
}

/// Records an email sent as the display of `answer`, the answer its link collects: so the user
/// is on the same clock in every channel, and the report's response rate counts it.
async fn record_display(
    store: &dyn Store,
    campaign: &Campaign,
    recipient: &Recipient,
    language: &str,
    page: &str,
    answer: &links::LinkAnswer,
    now: i64,
) -> Result<(), String> {
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
    if args.from.chars().any(char::is_control) {
        return Err("--from: expected an address like nps@example.com, on one line".into());
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
        clocks: args.clocks.clocks(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let clock = crate::system_clock();
    let summary = runtime.block_on(async {
        let store = args.db.open(Access::Write).await?;
        run_campaign(store.as_ref(), &campaign, &recipients, &outbox, &*clock)
            .await
            .map_err(|error| {
                // What was done before the error: some users may have been emailed already.
                println!("{}", error.summary);
                error.message
            })
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
