//! `GET /v1/eligibility?userId=…&survey=nps`: whether the user may be asked now, decided by the
//! core's rules (the widget's) from the latest display of each survey stored for them, at its
//! effective shown time: the survey's own clock, and the gap after another survey
//! (`--survey-gap`). [`decide`] is the one decision, for `nps-collector email` too.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use nps_widget::core::config::Throttle;
use nps_widget::core::duration::Duration;
use nps_widget::core::eligibility::eligible_reason;
use nps_widget::core::fatigue::{decide_survey, Displays, SurveyRules};
use nps_widget::core::kind::Kind;
use nps_widget::core::limits::{is_survey_id, MAX_ID_CHARS};
use nps_widget::core::time::format_timestamp;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::identity;
use crate::state::AppState;
use crate::storage::{StorageError, Store};

/// Query of `GET /v1/eligibility`.
#[derive(Deserialize)]
pub struct EligibilityQuery {
    #[serde(rename = "userId")]
    user_id: Option<String>,
    survey: Option<String>,
    /// A synonym of `survey` (for the kind's default survey).
    kind: Option<String>,
    #[serde(rename = "userHash")]
    user_hash: Option<String>,
}

/// `{ eligible, reason, nextEligibleAt }`; `nextEligibleAt` is when the user may be asked
/// again while they may not, and `null` once they may.
pub async fn get_eligibility(
    State(state): State<AppState>,
    query: Result<Query<EligibilityQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(query) =
        query.map_err(|_| ApiError::bad_request("the query string could not be read", "query"))?;
    let user_id = query
        .user_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ApiError::bad_request("userId is required", "userId"))?;
    if user_id.chars().count() > MAX_ID_CHARS {
        let message = format!("userId must be at most {MAX_ID_CHARS} characters");
        return Err(ApiError::bad_request(message, "userId"));
    }
    if user_id.contains('\0') {
        // No stored user id has one (the answers' are refused with it).
        return Err(ApiError::bad_request(
            "userId must not contain NUL characters",
            "userId",
        ));
    }
    let survey = match (query.survey, query.kind) {
        (Some(survey), _) if is_survey_id(&survey) => survey,
        (Some(_), _) => {
            return Err(ApiError::bad_request(
                "survey must be 1 to 64 characters of a-z, 0-9, - and _",
                "survey",
            ))
        }
        (None, Some(kind)) => Kind::from_name(&kind)
            .map(|kind| kind.name().to_owned())
            .ok_or_else(|| {
                ApiError::bad_request("kind must be \"nps\", \"csat\" or \"ces\"", "kind")
            })?,
        (None, None) => "nps".to_owned(),
    };
    if let Some(secret) = &state.settings().identity_secret {
        if !identity::is_valid(secret, &user_id, query.user_hash.as_deref()) {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "userHash must be the HMAC-SHA256 of userId with the identity secret",
                Some("userHash"),
            ));
        }
    }

    let settings = state.settings();
    let clock = Clocks {
        resurvey_after: settings.resurvey_after,
        decline_resurvey_after: settings.decline_resurvey_after,
        survey_gap: settings.survey_gap,
    };
    let decision = decide(state.store(), &user_id, &survey, &clock, state.now())
        .await
        .map_err(ApiError::from)?;
    Ok(Json(json!({
        "eligible": decision.eligible,
        "reason": decision.reason,
        "nextEligibleAt": decision.next_eligible_at.map(format_timestamp),
    })))
}

/// The collector's clock rules: how long after an answer, and after a decline, a user may be
/// asked the same survey again, and how long after any survey before another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clocks {
    /// `--resurvey-after`.
    pub resurvey_after: Duration,
    /// `--decline-resurvey-after`.
    pub decline_resurvey_after: Duration,
    /// `--survey-gap`.
    pub survey_gap: Duration,
}

/// Whether a user may be asked a survey now, and why (or why not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Whether they may.
    pub eligible: bool,
    /// The core's reason, as the widget's debug output words it.
    pub reason: String,
    /// While they may not: when they may again (epoch ms), if ever.
    pub next_eligible_at: Option<i64>,
}

/// Whether `user_id` may be asked `survey` at `now` (epoch ms) under `clocks`, by the core's
/// rules, from the latest display of each survey stored for them (every channel's: the app's,
/// the emails sent and the links opened). `GET /v1/eligibility` and `nps-collector email`
/// both decide here.
pub async fn decide(
    store: &dyn Store,
    user_id: &str,
    survey: &str,
    clocks: &Clocks,
    now: i64,
) -> Result<Decision, StorageError> {
    let displays = store.latest_displays(user_id).await?;
    let mut shown = Displays::default();
    for (survey, display) in displays {
        shown.record(&survey, display.shown_at, display.stage.outcome());
    }
    // The collector knows no sign-up dates and samples nobody: those rules stay the widget's.
    let throttle = Throttle {
        resurvey_after: clocks.resurvey_after,
        decline_resurvey_after: clocks.decline_resurvey_after,
        first_survey_after: Duration::Days(0),
        sample_rate: 1.0,
    };
    let rules = SurveyRules {
        id: survey,
        throttle: &throttle,
    };
    Ok(
        match decide_survey(&shown, rules, clocks.survey_gap, None, 0.0, now) {
            Ok(()) => Decision {
                eligible: true,
                reason: eligible_reason(&shown.of(survey), &throttle),
                next_eligible_at: None,
            },
            Err(why) => Decision {
                eligible: false,
                reason: why.reason(),
                next_eligible_at: why.next_eligible_at(),
            },
        },
    )
}
