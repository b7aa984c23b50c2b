//! The widget's two public endpoints, `POST /v1/responses` and `GET /v1/eligibility`, and the
//! team's answers and follow-up ([`answers`]) and hooks ([`hooks`]).

pub mod answer_filters;
pub mod answers;
pub mod eligibility;
pub mod hooks;
pub mod report;
pub mod responses;
