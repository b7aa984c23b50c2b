//! The widget's two public endpoints: `POST /v1/responses` and `GET /v1/eligibility`.

pub mod eligibility;
pub mod report;
pub mod responses;
