//! `GET /v1/report`: the survey's figures over a range of days (DESIGN.md, "The report"),
//! computed by [`crate::report::build`]; `GET /v1/surveys`: the surveys there are answers of,
//! for the dashboard's survey picker. Admin endpoints: [`routes`] carries no access check of
//! its own, the router that mounts it does.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};

use serde::Serialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::report::{build, Report, ReportError, ReportParams};
use crate::state::AppState;

/// The report's route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/report", get(get_report))
        .route("/v1/surveys", get(get_surveys))
}

/// One survey in `GET /v1/surveys`.
#[derive(Serialize)]
struct SurveyItem {
    survey: String,
    kind: &'static str,
    displays: u64,
}

/// `{ "surveys": [{ "survey", "kind", "displays" }] }`, most shown first.
async fn get_surveys(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let surveys = state.store().surveys().await.map_err(ApiError::from)?;
    let items: Vec<SurveyItem> = surveys
        .into_iter()
        .map(|s| SurveyItem {
            survey: s.survey,
            kind: s.kind.name(),
            displays: s.displays,
        })
        .collect();
    Ok(Json(json!({ "surveys": items })))
}

/// The report of the query's parameters; a wrong parameter is a `400` naming it.
pub async fn get_report(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Report>, ApiError> {
    let Query(pairs) =
        query.map_err(|_| ApiError::bad_request("the query string could not be read", "query"))?;
    let params = ReportParams::from_pairs(pairs).map_err(api_error)?;
    build(state.store(), state.now(), &params)
        .await
        .map(Json)
        .map_err(api_error)
}

fn api_error(error: ReportError) -> ApiError {
    match error {
        ReportError::Invalid { field, message } => ApiError::bad_request(message, &field),
        ReportError::Storage(error) => ApiError::from(error),
    }
}
