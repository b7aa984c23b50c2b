//! The `slack` format: a Slack incoming-webhook message (`text` for notifications, and Block
//! Kit `blocks`): the score and its category, the comment, who answered (email, account,
//! plan), where (the page), and a "Follow up" button to the answer on the dashboard when the
//! collector knows its public URL. Texts are cut to Slack's limits, and the answer's words are
//! never read as Slack markup (no `<!channel>` from a comment).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};

/// Most characters of a header block's text.
pub const MAX_HEADER: usize = 150;
/// Most characters of a section block's text.
pub const MAX_SECTION: usize = 3000;
/// Most characters of a section field's text.
pub const MAX_FIELD: usize = 2000;
/// Most characters of the notification text (Slack's own limit is far above).
pub const MAX_TEXT: usize = 300;
/// Most blocks in a message.
pub const MAX_BLOCKS: usize = 50;

/// `text` cut to at most `max` characters (counted as UTF-16 units, as Slack may count them),
/// ending with `…` when cut; with `escape`, `&`, `<` and `>` are written as Slack's entities
/// (counted as written, and never split).
pub(crate) fn cut(text: &str, max: usize, escape: bool) -> String {
    // Character by character without a string each: a comment's message is built for every
    // delivery to a Slack hook.
    let entity = |c: char| match c {
        '&' if escape => Some("&amp;"),
        '<' if escape => Some("&lt;"),
        '>' if escape => Some("&gt;"),
        _ => None,
    };
    let width = |c: char| entity(c).map_or(c.len_utf16(), str::len);
    let whole = text.chars().map(width).sum::<usize>() <= max;
    // Room is kept for the `…` of a text that is cut.
    let room = if whole { max } else { max.saturating_sub(1) };
    let mut out = String::with_capacity(text.len().min(4 * max));
    let mut used = 0;
    for c in text.chars() {
        used += width(c);
        if used > room {
            break;
        }
        match entity(c) {
            Some(entity) => out.push_str(entity),
            None => out.push(c),
        }
    }
    if !whole {
        out.push('…');
    }
    out
}

/// The text at `pointer` in `data`: a string as is, a number or boolean as JSON writes it.
pub(crate) fn text(data: &Value, pointer: &str) -> Option<String> {
    match data.pointer(pointer)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A Block Kit button that opens `url`.
pub(crate) fn button(label: &str, url: String) -> Value {
    json!({ "type": "button", "text": { "type": "plain_text", "text": label }, "url": url })
}

/// What a query value escapes: all but URLs' unreserved characters (RFC 3986), so that an
/// answer's usual id (a UUID) reads as itself.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The "Follow up" button to the answer `id` on the dashboard under `base`.
pub(crate) fn follow_up_button(base: &str, id: &str) -> Value {
    let id = utf8_percent_encode(id, QUERY_VALUE);
    button("Follow up", format!("{base}/dashboard/?answer={id}"))
}

/// The message of an answer's event (`{ "type", "timestamp", "data": answer }`); links to the
/// answer under `public_url` when there is one. (A daily digest has its own message,
/// [`digest::slack`](super::digest::slack).)
pub fn message(event: &Value, public_url: Option<&str>) -> Value {
    let data = event.get("data").cloned().unwrap_or(Value::Null);
    let event_type = text(event, "/type").unwrap_or_default();
    let kind = text(&data, "/kind").unwrap_or_default().to_uppercase();
    let rating = match (text(&data, "/score"), text(&data, "/category")) {
        (Some(score), Some(category)) => format!("{kind} {score} · {category}"),
        (Some(score), None) => format!("{kind} {score}"),
        _ => format!("{kind} survey declined"),
    };
    let title = match event_type.as_str() {
        "followup.updated" => format!(
            "Follow-up {} · {rating}",
            text(&data, "/followUp/status").unwrap_or_default()
        ),
        _ => rating,
    };
    let who = text(&data, "/user/email").or_else(|| text(&data, "/user/id"));
    let comment = text(&data, "/comment");

    let mut summary = title.clone();
    if let Some(who) = &who {
        summary.push_str(" from ");
        summary.push_str(who);
    }
    if let Some(comment) = &comment {
        summary.push_str(": ");
        summary.push_str(comment);
    }

    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": cut(&title, MAX_HEADER, false), "emoji": true },
    })];
    if let Some(comment) = &comment {
        blocks.push(json!({
            "type": "section",
            "text": { "type": "plain_text", "text": cut(comment, MAX_SECTION, false), "emoji": true },
        }));
    }
    let plan =
        text(&data, "/user/properties/plan").or_else(|| text(&data, "/account/properties/plan"));
    let account = text(&data, "/account/name").or_else(|| text(&data, "/account/id"));
    let fields: Vec<Value> = [
        ("Email", who),
        ("Account", account),
        ("Plan", plan),
        ("Page", text(&data, "/page")),
    ]
    .into_iter()
    .filter_map(|(label, value)| {
        let value = value?;
        let shown = cut(&value, MAX_FIELD - label.len() - 3, true);
        Some(json!({ "type": "mrkdwn", "text": format!("*{label}*\n{shown}") }))
    })
    .collect();
    if !fields.is_empty() {
        blocks.push(json!({ "type": "section", "fields": fields }));
    }
    if event_type == "followup.updated" {
        let follow_up: Vec<String> = [
            ("Assignee", text(&data, "/followUp/assignee")),
            ("Note", text(&data, "/followUp/note")),
        ]
        .into_iter()
        .filter_map(|(label, value)| Some(format!("*{label}:* {}", cut(&value?, 1000, true))))
        .collect();
        if !follow_up.is_empty() {
            blocks.push(json!({
                "type": "section",
                "text": { "type": "mrkdwn", "text": cut(&follow_up.join("\n"), MAX_SECTION, false) },
            }));
        }
    }
    let context = [
        Some(event_type.clone()),
        text(&data, "/survey").map(|survey| format!("survey {survey}")),
        text(&data, "/channel"),
        text(&data, "/answeredAt").or_else(|| text(&data, "/shownAt")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    blocks.push(json!({
        "type": "context",
        "elements": [ { "type": "mrkdwn", "text": cut(&context, MAX_FIELD, true) } ],
    }));
    if let (Some(base), Some(id)) = (public_url, text(&data, "/id")) {
        blocks.push(json!({ "type": "actions", "elements": [follow_up_button(base, &id)] }));
    }
    blocks.truncate(MAX_BLOCKS);
    // The notification's text is read as Slack markup: escaped, so that a comment mentions no one.
    json!({ "text": cut(&summary, MAX_TEXT, true), "blocks": blocks })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hooks::event::envelope;
    use crate::hooks::sample::sample_answer;
    use crate::hooks::Event;
    use crate::storage::StoredAnswer;

    const ID: &str = "3f2c8a1e-4b5d-4c6e-8f70-123456789abc";

    /// The event as the worker reads it back from the delivery's body.
    fn parsed(event: Event, at: i64, answer: &StoredAnswer) -> Value {
        serde_json::from_str(&envelope(event, at, answer)).expect("an event is JSON")
    }

    fn event_of(comment: Option<&str>) -> Value {
        let mut answer = sample_answer(ID, 1_795_000_000_000);
        answer.comment = comment.map(str::to_owned);
        parsed(Event::ResponseCompleted, 1_795_000_000_000, &answer)
    }

    #[test]
    fn a_message_shows_the_answer_and_links_to_it() {
        let message = message(
            &event_of(Some("Slow <!channel> & co")),
            Some("https://nps.example.com"),
        );
        let blocks = message["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["text"]["text"], "NPS 3 · detractor");
        assert_eq!(blocks[1]["text"]["type"], "plain_text");
        assert_eq!(blocks[1]["text"]["text"], "Slow <!channel> & co");
        let fields = blocks[2]["fields"].as_array().unwrap();
        let texts: Vec<&str> = fields.iter().map(|f| f["text"].as_str().unwrap()).collect();
        assert_eq!(
            texts,
            [
                "*Email*\nada@example.com",
                "*Account*\nAcme Inc",
                "*Plan*\npro",
                "*Page*\nhttps://app.example.com/reports"
            ]
        );
        let button = &blocks.last().unwrap()["elements"][0];
        assert_eq!(button["text"]["text"], "Follow up");
        assert_eq!(
            button["url"],
            format!("https://nps.example.com/dashboard/?answer={ID}")
        );
        assert_eq!(
            message["text"],
            "NPS 3 · detractor from ada@example.com: Slow &lt;!channel&gt; &amp; co"
        );
        assert_eq!(
            follow_up_button("https://nps.example.com", "a&b c/é")["url"],
            "https://nps.example.com/dashboard/?answer=a%26b%20c%2F%C3%A9"
        );
        let without = super::message(&event_of(None), None);
        assert!(without["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["type"] != "actions"));
    }

    #[test]
    fn long_texts_are_cut_within_slacks_limits() {
        let long = "é🙂<".repeat(2000);
        let message = message(&event_of(Some(&long)), Some("https://nps.example.com"));
        let blocks = message["blocks"].as_array().unwrap();
        assert!(blocks.len() <= MAX_BLOCKS);
        let comment = blocks[1]["text"]["text"].as_str().unwrap();
        assert!(comment.encode_utf16().count() <= MAX_SECTION);
        assert!(comment.ends_with('…'));
        assert!(message["text"].as_str().unwrap().encode_utf16().count() <= MAX_TEXT);
    }

    #[test]
    fn escaping_never_splits_an_entity() {
        assert_eq!(cut("a<b", 10, true), "a&lt;b");
        assert_eq!(cut("<<<<", 10, true), "&lt;&lt;…");
        assert_eq!(cut("<<<<", 3, true), "…");
        assert_eq!(cut("abc", 3, false), "abc");
        assert_eq!(cut("abcd", 3, false), "ab…");
    }

    #[test]
    fn declines_and_follow_ups_say_what_happened() {
        let mut answer = sample_answer(ID, 0);
        answer.score = None;
        answer.category = None;
        answer.comment = None;
        let declined = message(&parsed(Event::DeclineCreated, 0, &answer), None);
        assert_eq!(declined["blocks"][0]["text"]["text"], "NPS survey declined");

        let mut answer = sample_answer(ID, 0);
        answer.follow_up_status = "claimed".into();
        answer.follow_up_assignee = Some("Ada".into());
        let followed = message(&parsed(Event::FollowUpUpdated, 0, &answer), None);
        assert_eq!(
            followed["blocks"][0]["text"]["text"],
            "Follow-up claimed · NPS 3 · detractor"
        );
        assert!(followed.to_string().contains("*Assignee:* Ada"));
    }
}
