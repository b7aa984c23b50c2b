//! The events a hook listens to, which change of an answer fires which, and the event as a
//! delivery carries it (`{ "type", "timestamp", "data" }`).

use nps_widget::core::lifecycle::Stage;
use nps_widget::core::time::format_timestamp;
use serde::Serialize;

use crate::api::answers::AnswerJson;
use crate::storage::StoredAnswer;

/// Something that happened to an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A score arrived (the answer's first).
    ResponseCreated,
    /// The answer is final: its comment, or the end of the card.
    ResponseCompleted,
    /// The card was closed without a score.
    DeclineCreated,
    /// The team changed the answer's follow-up.
    FollowUpUpdated,
}

impl Event {
    /// Every event.
    pub const ALL: [Event; 4] = [
        Event::ResponseCreated,
        Event::ResponseCompleted,
        Event::DeclineCreated,
        Event::FollowUpUpdated,
    ];

    /// Its name: the `type` of a delivery's body.
    pub fn name(self) -> &'static str {
        match self {
            Event::ResponseCreated => "response.created",
            Event::ResponseCompleted => "response.completed",
            Event::DeclineCreated => "decline.created",
            Event::FollowUpUpdated => "followup.updated",
        }
    }

    /// The event a name stands for.
    pub fn from_name(name: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|event| event.name() == name)
    }
}

/// The events of an answer moving from `before` (`None`: not stored yet) to `after`. The
/// lifecycle lets an answer reach each stage once, so each event fires once per answer: a
/// score replaced before the answer is complete is no new `response.created`, and a body that
/// reaches the final answer at once fires both response events.
pub fn transition(before: Option<Stage>, after: Stage) -> Vec<Event> {
    let had_score = matches!(before, Some(Stage::Scored | Stage::Complete));
    let mut events = Vec::new();
    if matches!(after, Stage::Scored | Stage::Complete) && !had_score {
        events.push(Event::ResponseCreated);
    }
    if after == Stage::Complete && before != Some(Stage::Complete) {
        events.push(Event::ResponseCompleted);
    }
    if after == Stage::Declined && before != Some(Stage::Declined) {
        events.push(Event::DeclineCreated);
    }
    events
}

/// A delivery's body: `{ "type", "timestamp", "data" }`.
#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "type")]
    event: &'static str,
    timestamp: String,
    data: AnswerJson<'a>,
}

/// The body of a delivery of `event` about `answer`, which happened at `at` (epoch ms): the
/// answer as `GET /v1/answers` shows it, as JSON text.
pub fn envelope(event: Event, at: i64, answer: &StoredAnswer) -> String {
    let envelope = Envelope {
        event: event.name(),
        timestamp: format_timestamp(at),
        data: AnswerJson::from(answer),
    };
    // Texts, numbers, booleans and JSON values always serialize: no error to report.
    serde_json::to_string(&envelope).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Event::*;
    use Stage::*;

    #[test]
    fn each_stage_fires_its_events_once() {
        assert_eq!(transition(None, Displayed), []);
        assert_eq!(transition(None, Scored), [ResponseCreated]);
        assert_eq!(
            transition(None, Complete),
            [ResponseCreated, ResponseCompleted]
        );
        assert_eq!(transition(None, Declined), [DeclineCreated]);
        assert_eq!(transition(Some(Displayed), Scored), [ResponseCreated]);
        assert_eq!(
            transition(Some(Displayed), Complete),
            [ResponseCreated, ResponseCompleted]
        );
        assert_eq!(transition(Some(Displayed), Declined), [DeclineCreated]);
        // A changed score is no new response; completing fires once.
        assert_eq!(transition(Some(Scored), Scored), []);
        assert_eq!(transition(Some(Scored), Complete), [ResponseCompleted]);
        assert_eq!(transition(Some(Complete), Complete), []);
        assert_eq!(transition(Some(Declined), Declined), []);
    }

    #[test]
    fn names_round_trip() {
        for event in Event::ALL {
            assert_eq!(Event::from_name(event.name()), Some(event));
        }
        assert_eq!(Event::from_name("response"), None);
    }
}
