//! What every request handler (and the hook worker) shares: the settings, the store, the rate
//! limiter and the server's clock.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use nps_widget::core::duration::Duration;
use tokio::sync::Notify;

use crate::rate_limit::RateLimiter;
use crate::storage::Store;

/// How the collector behaves; everything except the database.
#[derive(Clone)]
pub struct Settings {
    /// Origins allowed to call the API from a browser; `*` allows any. Empty: same origin only.
    pub cors_origins: Vec<String>,
    /// Requests per minute and client IP on `/v1/*`; `0` disables the limit.
    pub rate_limit: u32,
    /// How long after a prompt that was answered the user may be asked again.
    pub resurvey_after: Duration,
    /// How long after a prompt that was dismissed or ignored the user may be asked again.
    pub decline_resurvey_after: Duration,
    /// After any survey was shown to a user, how long before another survey may be.
    pub survey_gap: Duration,
    /// With a secret, bodies and eligibility queries naming a user need a valid user hash
    /// (HMAC-SHA256 of the user id with this secret).
    pub identity_secret: Option<String>,
    /// Directory served at `/` (the demo app), if any.
    pub www: Option<PathBuf>,
    /// Directory served at `/nps-widget/` (the built widget package), if any.
    pub pkg: Option<PathBuf>,
    /// Time a request body has to arrive in full once its head is in; then `408`.
    pub body_timeout: std::time::Duration,
    /// The collector's address as people reach it (`https://nps.example.com`, no trailing
    /// slash), for links to the dashboard in hook messages; none without it.
    pub public_url: Option<String>,
    /// Lets hooks reach private, loopback and link-local addresses (tests, a receiver on the
    /// same network).
    pub allow_private_hooks: bool,
    /// Time a hook delivery attempt has, from resolving the host to the first bytes of the
    /// answer.
    pub hook_timeout: std::time::Duration,
    /// The product's name, as the hosted survey page asks about it.
    pub product: Option<String>,
    /// The hosted survey page's accent colour (`#rrggbb`).
    pub accent: Option<String>,
    /// The kinds of surveys other than `nps`, `csat` and `ces` (whose kind is their id), for
    /// the hosted survey page.
    pub survey_kinds: Vec<(String, nps_widget::core::kind::Kind)>,
}

/// Everything but the identity secret, which is never printed.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("cors_origins", &self.cors_origins)
            .field("rate_limit", &self.rate_limit)
            .field("resurvey_after", &self.resurvey_after)
            .field("decline_resurvey_after", &self.decline_resurvey_after)
            .field("survey_gap", &self.survey_gap)
            .field(
                "identity_secret",
                &self.identity_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("www", &self.www)
            .field("pkg", &self.pkg)
            .field("body_timeout", &self.body_timeout)
            .field("public_url", &self.public_url)
            .field("allow_private_hooks", &self.allow_private_hooks)
            .field("hook_timeout", &self.hook_timeout)
            .field("product", &self.product)
            .field("accent", &self.accent)
            .field("survey_kinds", &self.survey_kinds)
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cors_origins: Vec::new(),
            rate_limit: 60,
            resurvey_after: Duration::SIX_MONTHS,
            decline_resurvey_after: Duration::SIX_MONTHS,
            survey_gap: Duration::Days(14),
            identity_secret: None,
            www: None,
            pkg: None,
            body_timeout: std::time::Duration::from_secs(30),
            public_url: None,
            allow_private_hooks: false,
            hook_timeout: std::time::Duration::from_secs(10),
            product: None,
            accent: None,
            survey_kinds: Vec::new(),
        }
    }
}

impl Settings {
    /// The kind of the survey `id`, if the collector knows it: `nps`, `csat` and `ces` are
    /// their own kinds; others are named by `--survey ID=KIND`.
    pub fn survey_kind(&self, id: &str) -> Option<nps_widget::core::kind::Kind> {
        self.survey_kinds
            .iter()
            .find(|(survey, _)| survey == id)
            .map(|(_, kind)| *kind)
            .or_else(|| nps_widget::core::kind::Kind::from_name(id))
    }
}

/// The server's clock: epoch milliseconds. Tests set their own.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    })
}

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    settings: Arc<Settings>,
    limiter: Arc<RateLimiter>,
    clock: Clock,
    timed_signal: Arc<Notify>,
    /// The link secret once read (it never changes once made).
    link_secret: Arc<tokio::sync::OnceCell<Vec<u8>>>,
}

impl AppState {
    /// State over an opened store, on the system clock.
    pub fn new(store: impl Store + 'static, settings: Settings) -> Self {
        Self::with_clock(store, settings, system_clock())
    }

    /// State over an opened store, on `clock`.
    pub fn with_clock(store: impl Store + 'static, settings: Settings, clock: Clock) -> Self {
        Self::shared(Arc::new(store), settings, clock)
    }

    /// State over an opened store of any backend, on `clock`.
    pub fn shared(store: Arc<dyn Store>, settings: Settings, clock: Clock) -> Self {
        AppState {
            store,
            limiter: Arc::new(RateLimiter::new(settings.rate_limit)),
            settings: Arc::new(settings),
            clock,
            timed_signal: Arc::new(Notify::new()),
            link_secret: Arc::default(),
        }
    }

    /// The answer store.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The server's time now, epoch ms.
    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    /// How the collector behaves.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Wakes the hook worker and the hooks' timed task, so that they look for deliveries and
    /// digests due (after the clock moved, or a hook changed).
    pub fn wake_hooks(&self) {
        self.store.hook_signal().notify_one();
        self.timed_signal.notify_one();
    }

    /// What wakes the hooks' timed task ([`crate::hooks::timed`]).
    pub fn timed_signal(&self) -> &Notify {
        &self.timed_signal
    }

    /// The link secret ([`crate::links::secret`]), read from the store once: the hosted pages
    /// verify a token on every view without a database write each.
    pub async fn link_secret(&self) -> Result<Vec<u8>, crate::storage::StorageError> {
        self.link_secret
            .get_or_try_init(|| crate::links::secret(self.store(), self.now()))
            .await
            .cloned()
    }

    /// The per-client request limit.
    pub fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }
}
