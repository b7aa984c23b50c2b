//! The durable outbox model: every body waits here, keyed by answer id, until the collector
//! acknowledges it. The browser edge stores each [`Entry`] under a key of its own
//! (`nps-widget:outbox:<id>`), so that tabs writing different answers never overwrite each
//! other's copy of a shared list.

use crate::prelude::*;

use super::text::split_once_byte;

/// Most bodies kept; past this the oldest declines, then the oldest answers, are dropped.
pub const MAX_ENTRIES: usize = 100;
/// Oldest body kept, in ms (7 days).
pub const MAX_AGE_MS: i64 = 7 * 86_400_000;

/// One queued POST body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The answer id (a comment update replaces the queued score of the same id).
    pub id: String,
    /// When it was first queued (epoch ms).
    pub queued_at: i64,
    /// Whether the body is a decline (dropped first when over the bound).
    pub decline: bool,
    /// The JSON body; JSON strings escape newlines and tabs, so it holds neither.
    pub body: String,
}

/// Bodies waiting for a 2xx.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbox {
    /// Entries, oldest first.
    pub entries: Vec<Entry>,
}

impl Entry {
    /// The stored form, without the id (it is in the key): `queued_at \t d|r \t body`.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if self.queued_at < 0 {
            out.push('-');
        }
        super::text::push_uint(&mut out, self.queued_at.unsigned_abs());
        out.push_str(if self.decline { "\td\t" } else { "\tr\t" });
        out.push_str(&self.body);
        out
    }

    /// Reads [`Entry::encode`]'s form for `id`; `None` when it is not readable.
    pub fn decode(id: &str, text: &str) -> Option<Entry> {
        let (queued_at, rest) = split_once_byte(text, b"\t")?;
        let (kind, body) = split_once_byte(rest, b"\t")?;
        let queued_at = super::text::parse_int(queued_at)?;
        let decline = kind == "d";
        (!id.is_empty() && body.starts_with('{')).then(|| Entry {
            id: id.into(),
            queued_at,
            decline,
            body: body.into(),
        })
    }

    /// Whether the collector's verdict on `body` (a 2xx, or a refusal of the body itself)
    /// settles this entry: not when a newer body of the answer (the score after the display,
    /// the comment after the score) replaced the one that was sent meanwhile.
    pub fn is_settled_by(&self, body: &str) -> bool {
        self.body == body
    }
}

impl Outbox {
    /// An outbox of `entries` in any order, kept oldest first.
    pub fn from_entries(mut entries: Vec<Entry>) -> Outbox {
        // An insertion sort: at most 100 entries, and `slice::sort` would add 3 KB to the wasm.
        for i in 1..entries.len() {
            let mut at = i;
            while at > 0 && entries[at - 1].queued_at > entries[at].queued_at {
                entries.swap(at - 1, at);
                at -= 1;
            }
        }
        Outbox { entries }
    }

    /// Queues `body` for `id`, replacing a queued body of the same id (keeping its queue time).
    pub fn put(&mut self, id: &str, body: String, decline: bool, now: i64) {
        match self.entries.iter_mut().find(|e| e.id == id) {
            Some(entry) => {
                entry.body = body;
                entry.decline = decline;
            }
            None => self.entries.push(Entry {
                id: id.into(),
                queued_at: now,
                decline,
                body,
            }),
        }
    }

    /// Applies the bounds at `now` and returns what was dropped: first everything older than
    /// [`MAX_AGE_MS`], then, over [`MAX_ENTRIES`], the oldest declines, then the oldest answers.
    pub fn prune(&mut self, now: i64) -> Vec<Entry> {
        // A plain loop rather than `partition` into two new vectors: less code in the wasm.
        let mut dropped = Vec::new();
        let mut at = 0;
        while at < self.entries.len() {
            if now - self.entries[at].queued_at > MAX_AGE_MS {
                dropped.push(self.entries.remove(at));
            } else {
                at += 1;
            }
        }
        for decline in [true, false] {
            while self.entries.len() > MAX_ENTRIES {
                match self.entries.iter().position(|e| e.decline == decline) {
                    Some(at) => dropped.push(self.entries.remove(at)),
                    None => break,
                }
            }
        }
        dropped
    }
}

/// Delay before retry number `attempt` (0-based): the collector's `Retry-After` when it sent
/// one (at least a second, so a `Retry-After: 0` cannot make a tight loop), else ~2 s doubling
/// to a 5 minute cap, with up to 25 % jitter from `random` in 0..1 so many clients do not retry
/// in step.
pub fn retry_delay_ms(attempt: u32, retry_after_ms: Option<u32>, random: f64) -> u32 {
    if let Some(ms) = retry_after_ms {
        return ms.max(1000);
    }
    let base = 2_000u64
        .saturating_mul(1u64 << attempt.min(20))
        .min(300_000);
    (base as f64 * (1.0 + 0.25 * random.clamp(0.0, 1.0))) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: u32) -> String {
        let mut s = String::from("{\"n\":");
        crate::core::text::push_uint(&mut s, n as u64);
        s.push('}');
        s
    }

    #[test]
    fn comment_update_replaces_the_queued_score() {
        let mut outbox = Outbox::default();
        outbox.put("a", "{\"score\":9}".into(), false, 10);
        outbox.put("a", "{\"score\":9,\"comment\":\"x\"}".into(), false, 20);
        assert_eq!(outbox.entries.len(), 1);
        assert_eq!(outbox.entries[0].queued_at, 10);
        // The score's acknowledgement must not settle the newer comment body.
        assert!(!outbox.entries[0].is_settled_by("{\"score\":9}"));
        assert!(outbox.entries[0].is_settled_by("{\"score\":9,\"comment\":\"x\"}"));
    }

    #[test]
    fn entries_round_trip_through_text() {
        let mut outbox = Outbox::default();
        outbox.put(
            "a",
            "{\"comment\":\"tab\\tnew\\nline\"}".into(),
            false,
            1_700_000_000_000,
        );
        outbox.put("b", "{}".into(), true, -5);
        for entry in &outbox.entries {
            assert_eq!(
                Entry::decode(&entry.id, &entry.encode()).as_ref(),
                Some(entry)
            );
        }
        assert_eq!(Entry::decode("x", "junk"), None);
        assert_eq!(Entry::decode("x", "1\tr\tnot json"), None);
        assert_eq!(Entry::decode("", "1\tr\t{}"), None);
    }

    #[test]
    fn entries_are_kept_oldest_first() {
        let entry = |id: &str, at| Entry {
            id: id.into(),
            queued_at: at,
            decline: false,
            body: "{}".into(),
        };
        let outbox = Outbox::from_entries(vec![
            entry("b", 20),
            entry("a", 10),
            entry("d", 40),
            entry("c", 30),
            entry("e", 10),
        ]);
        let ids: Vec<&str> = outbox.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            ["a", "e", "b", "c", "d"],
            "oldest first, ties in arrival order"
        );
    }

    #[test]
    fn bounds_drop_old_then_declines_then_oldest_answers() {
        let mut outbox = Outbox::default();
        outbox.put("stale", body(0), false, 0);
        for i in 0..60 {
            outbox.put(&i.to_string(), body(i), i % 2 == 0, 1_000 + i as i64);
        }
        for i in 60..110 {
            outbox.put(&i.to_string(), body(i), false, 1_000 + i as i64);
        }
        let now = MAX_AGE_MS + 500;
        let dropped = outbox.prune(now);
        assert_eq!(dropped[0].id, "stale");
        assert_eq!(outbox.entries.len(), MAX_ENTRIES);
        // 110 fresh entries: 10 over, all taken from the 30 declines, oldest first.
        assert_eq!(dropped.len(), 11);
        assert!(dropped[1..].iter().all(|e| e.decline));
        assert_eq!(dropped[1].id, "0");
        // Over the bound with only answers left: the oldest answers go.
        for i in 200..215 {
            outbox.put(&i.to_string(), body(i), false, now);
        }
        let dropped = outbox.prune(now);
        assert_eq!(outbox.entries.len(), MAX_ENTRIES);
        assert!(dropped.iter().take(20).any(|e| e.decline));
        assert_eq!(outbox.entries.last().unwrap().id, "214");
    }

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(retry_delay_ms(0, None, 0.0), 2_000);
        assert_eq!(retry_delay_ms(1, None, 0.0), 4_000);
        assert_eq!(retry_delay_ms(3, None, 0.0), 16_000);
        assert_eq!(retry_delay_ms(8, None, 0.0), 300_000);
        assert_eq!(retry_delay_ms(99, None, 1.0), 375_000);
        assert_eq!(retry_delay_ms(0, None, 1.0), 2_500);
    }

    #[test]
    fn retry_after_wins_with_a_one_second_floor() {
        assert_eq!(retry_delay_ms(5, Some(3_000), 0.9), 3_000);
        assert_eq!(retry_delay_ms(0, Some(0), 0.0), 1_000);
    }
}
