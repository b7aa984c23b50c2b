//! A daily digest as a Slack message: the day's score with its margin, the responses and how
//! many were shown the card, the three categories, then each comment of the lowest category
//! with who wrote it and a "Follow up" button, and a link to the dashboard. Within Slack's
//! limits whatever the day held: at most [`MAX_LISTED`] comments are listed, each cut to a
//! section's length.

use serde_json::{json, Value};

use crate::hooks::slack::{
    button, cut, follow_up_button, text, MAX_BLOCKS, MAX_FIELD, MAX_HEADER, MAX_SECTION, MAX_TEXT,
};

/// Most comments listed in one message; the rest are counted and linked.
pub const MAX_LISTED: usize = 20;

/// A figure with one decimal at most (`42`, `4.3`), or `–` when there is none.
fn figure(value: Option<&Value>) -> String {
    match value.and_then(Value::as_f64) {
        Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.1}"),
        None => "–".to_owned(),
    }
}

fn count(data: &Value, pointer: &str) -> u64 {
    data.pointer(pointer).and_then(Value::as_u64).unwrap_or(0)
}

/// "Detractor" from "detractor".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The message of a digest event (`{ "type": "digest.daily", "data": … }`, see
/// [`content`](super::content)); links to the dashboard under `public_url` when there is one.
pub fn message(event: &Value, public_url: Option<&str>) -> Value {
    let data = event.get("data").cloned().unwrap_or(Value::Null);
    let kind = text(&data, "/kind").unwrap_or_default().to_uppercase();
    let date = text(&data, "/date").unwrap_or_default();
    let responses = count(&data, "/responses");
    let displays = count(&data, "/displays");
    let score = figure(data.get("score"));
    let unit = if kind == "CSAT" { " %" } else { "" };
    let lowest = text(&data, "/commentCategory").unwrap_or_else(|| "detractor".to_owned());
    let comments = data
        .get("comments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let more = data.get("moreComments").and_then(Value::as_bool) == Some(true);

    let summary = if responses == 0 {
        format!("{kind} on {date}: no responses")
    } else {
        format!(
            "{kind} on {date}: {score}{unit} from {responses} responses, {}{} {lowest} comments",
            comments.len(),
            if more { "+" } else { "" },
        )
    };
    let mut blocks = vec![json!({
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": cut(&format!("Daily {kind} digest · {date}"), MAX_HEADER, false),
            "emoji": true,
        },
    })];
    if responses == 0 {
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": format!("No responses; the card was shown {displays} times.") },
        }));
    } else {
        let margin = data
            .get("margin")
            .and_then(Value::as_f64)
            .map_or_else(String::new, |m| format!(" (±{})", figure(Some(&json!(m)))));
        let rate = data
            .get("responseRate")
            .and_then(Value::as_f64)
            .map_or_else(String::new, |r| format!(" ({:.0} %)", r * 100.0));
        let categories: Vec<String> = data
            .get("categories")
            .and_then(Value::as_object)
            .map(|object| {
                object
                    .iter()
                    .map(|(name, n)| format!("{} {}", capitalised(name), n))
                    .collect()
            })
            .unwrap_or_default();
        let fields = [
            ("Score", format!("{score}{unit}{margin}")),
            ("Responses", format!("{responses} of {displays} shown{rate}")),
            ("Categories", categories.join(" · ")),
            ("Declined", count(&data, "/dismissals").to_string()),
        ]
        .map(|(label, value)| {
            json!({ "type": "mrkdwn", "text": cut(&format!("*{label}*\n{value}"), MAX_FIELD, false) })
        });
        blocks.push(json!({ "type": "section", "fields": fields }));
    }
    if !comments.is_empty() {
        blocks.push(json!({ "type": "divider" }));
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": format!("*{} comments*", capitalised(&lowest)) },
        }));
    }
    for answer in comments.iter().take(MAX_LISTED) {
        let who = [
            text(answer, "/score"),
            text(answer, "/user/email").or_else(|| text(answer, "/user/id")),
            text(answer, "/account/name").or_else(|| text(answer, "/account/id")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        let head = format!("*{}*\n", cut(&who, 500, true));
        let comment = text(answer, "/comment").unwrap_or_default();
        let body = cut(&comment, MAX_SECTION - head.encode_utf16().count(), true);
        let mut section = json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": format!("{head}{body}") },
        });
        if let (Some(base), Some(id)) = (public_url, text(answer, "/id")) {
            section["accessory"] = follow_up_button(base, &id);
        }
        blocks.push(section);
    }
    let unlisted = comments.len().saturating_sub(MAX_LISTED);
    if unlisted > 0 || more {
        let plus = if more { "+" } else { "" };
        blocks.push(json!({
            "type": "context",
            "elements": [ { "type": "mrkdwn", "text": format!("…and {unlisted}{plus} more on the dashboard") } ],
        }));
    }
    let mut context = vec![
        format!("survey {}", text(&data, "/survey").unwrap_or_default()),
        text(&data, "/timeZone").unwrap_or_default(),
    ];
    if let Some(conditions) = data.get("where").and_then(Value::as_array) {
        context.extend(
            conditions
                .iter()
                .filter_map(Value::as_str)
                .map(|c| format!("where {c}")),
        );
    }
    blocks.push(json!({
        "type": "context",
        "elements": [ { "type": "mrkdwn", "text": cut(&context.join(" · "), MAX_FIELD, true) } ],
    }));
    if let Some(base) = public_url {
        let open = button("Open the dashboard", format!("{base}/dashboard/"));
        blocks.push(json!({ "type": "actions", "elements": [open] }));
    }
    blocks.truncate(MAX_BLOCKS);
    json!({ "text": cut(&summary, MAX_TEXT, false), "blocks": blocks })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::answers::AnswerJson;
    use crate::hooks::sample::sample_answer;

    fn digest(comments: usize, more: bool) -> Value {
        let comments: Vec<Value> = (0..comments)
            .map(|i| {
                let mut answer = sample_answer(&format!("3f2c8a1e-4b5d-4c6e-8f70-{i:012}"), 0);
                answer.comment = Some(format!("<!channel> slow export {i} ").repeat(400));
                json!(AnswerJson::from(&answer))
            })
            .collect();
        json!({
            "type": "digest.daily",
            "timestamp": "2026-12-03T08:00:00.000Z",
            "data": {
                "survey": "nps", "kind": "nps", "date": "2026-12-02", "timeZone": "Europe/Berlin",
                "where": ["user.properties.plan:pro"],
                "displays": 40, "responses": 12, "dismissals": 5, "responseRate": 0.3,
                "score": 25.0, "margin": 30.123,
                "categories": { "detractor": 3, "passive": 3, "promoter": 6 },
                "commentCategory": "detractor",
                "comments": comments, "moreComments": more,
            },
        })
    }

    #[test]
    fn the_digest_shows_the_figures_and_each_comment() {
        let message = message(&digest(2, false), Some("https://nps.example.com"));
        let blocks = message["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["text"]["text"], "Daily NPS digest · 2026-12-02");
        let fields: Vec<&str> = blocks[1]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "*Score*\n25 (±30.1)",
                "*Responses*\n12 of 40 shown (30 %)",
                "*Categories*\nDetractor 3 · Passive 3 · Promoter 6",
                "*Declined*\n5",
            ]
        );
        assert_eq!(blocks[3]["text"]["text"], "*Detractor comments*");
        let first = blocks[4]["text"]["text"].as_str().unwrap();
        assert!(first.starts_with("*3 · ada@example.com · Acme Inc*\n&lt;!channel&gt; slow"));
        assert_eq!(blocks[4]["accessory"]["text"]["text"], "Follow up");
        assert!(message["text"]
            .as_str()
            .unwrap()
            .starts_with("NPS on 2026-12-02: 25 from 12 responses, 2 detractor comments"));
        assert_eq!(
            blocks.last().unwrap()["elements"][0]["url"],
            "https://nps.example.com/dashboard/"
        );
        assert!(message
            .to_string()
            .contains("where user.properties.plan:pro"));
    }

    #[test]
    fn a_busy_day_stays_within_slacks_limits() {
        let message = message(&digest(100, true), Some("https://nps.example.com"));
        let blocks = message["blocks"].as_array().unwrap();
        assert!(blocks.len() <= MAX_BLOCKS);
        for block in blocks {
            if let Some(text) = block["text"]["text"].as_str() {
                assert!(text.encode_utf16().count() <= MAX_SECTION, "{}", text.len());
            }
        }
        let listed = blocks
            .iter()
            .filter(|b| b.get("accessory").is_some())
            .count();
        assert_eq!(listed, MAX_LISTED);
        assert!(message
            .to_string()
            .contains("…and 80+ more on the dashboard"));
        assert!(message["text"].as_str().unwrap().encode_utf16().count() <= MAX_TEXT);
    }

    #[test]
    fn a_quiet_day_says_so() {
        let mut event = digest(0, false);
        event["data"]["responses"] = json!(0);
        event["data"]["score"] = Value::Null;
        let message = message(&event, None);
        assert_eq!(message["text"], "NPS on 2026-12-02: no responses");
        assert!(message.to_string().contains("shown 40 times"));
        assert!(!message.to_string().contains("actions"));
    }
}
