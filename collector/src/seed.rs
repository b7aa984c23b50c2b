//! Sample answers for demos, screenshots and benchmarks: a year of NPS answers from a made-up
//! customer base (accounts on three plans, users in three roles, six languages), with ignored
//! displays, declines and comments, so that the report and the dashboard have something true to
//! show. Every sample answer is stored with the `sample` mark (`nps-collector seed --remove`
//! deletes them all), and its user ids, emails and account names say "sample".

use nps_widget::core::answer::uuid_v4;
use nps_widget::core::kind::Kind;
use nps_widget::core::lifecycle::Stage;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::validate::{Answer, Party};

const DAY_MS: i64 = 86_400_000;

/// A sample answer and the server time it counts as received.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleAnswer {
    /// The answer, as if validated from a widget's body.
    pub answer: Answer,
    /// When its first body arrived (epoch ms).
    pub received_at: i64,
}

/// The plans of the made-up accounts, with each plan's share of accounts and how much happier
/// its users are (added to the score weights' centre).
const PLANS: [(&str, f64, i32); 3] = [("free", 0.5, -1), ("pro", 0.35, 0), ("enterprise", 0.15, 1)];
const ROLES: [&str; 3] = ["admin", "member", "viewer"];
/// Languages with their share of users.
const LANGUAGES: [(&str, f64); 6] = [
    ("en", 0.6),
    ("de", 0.12),
    ("fr", 0.1),
    ("es", 0.08),
    ("ja", 0.05),
    ("pt-BR", 0.05),
];
const COMPANIES: [&str; 12] = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Vandelay",
];
const TRIGGERS: [&str; 3] = ["load", "event:report_exported", "url:/billing/*"];
const PAGES: [&str; 4] = [
    "https://app.example.com/reports",
    "https://app.example.com/dashboard",
    "https://app.example.com/billing/plan",
    "https://app.example.com/settings",
];

/// Comments by language and category (detractor, passive, promoter).
fn comments(language: &str) -> [&'static [&'static str]; 3] {
    match language {
        "de" => [
            &[
                "Zu langsam beim Export.",
                "Die Preise sind zu hoch für kleine Teams.",
            ],
            &["Gut, aber die Berichte könnten flexibler sein."],
            &["Spart uns jede Woche Stunden!", "Einfach und schnell."],
        ],
        "fr" => [
            &[
                "Trop de bugs depuis la dernière mise à jour.",
                "Le support répond trop lentement.",
            ],
            &["Correct, mais il manque une application mobile."],
            &[
                "Indispensable pour notre équipe.",
                "Très simple à utiliser.",
            ],
        ],
        "es" => [
            &["La exportación falla a menudo."],
            &["Está bien, pero la interfaz es confusa a veces."],
            &[
                "¡Nos encanta! Muy rápido.",
                "El mejor informe que hemos usado.",
            ],
        ],
        "ja" => [
            &["動作が遅いです。", "料金が高すぎます。"],
            &["便利ですが、もう少しカスタマイズしたいです。"],
            &["とても使いやすいです！", "チーム全員が気に入っています。"],
        ],
        "pt-BR" => [
            &["Muito lento para carregar os relatórios."],
            &["Bom, mas falta integração com o Slack."],
            &["Excelente ferramenta, recomendo!", "Simples e rápido."],
        ],
        _ => [
            &[
                "Exports time out on big reports.",
                "Too expensive for a team of our size.",
                "Support took three days to answer.",
                "The new navigation is confusing.",
            ],
            &[
                "Good, but I miss a mobile app.",
                "Does the job. Filters could be faster.",
                "Would be a 10 with SSO.",
            ],
            &[
                "Saves us hours every week!",
                "Simple, fast, and the team loves it.",
                "Best reporting tool we have used.",
                "The Slack integration is brilliant.",
            ],
        ],
    }
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[(T, f64)]) -> T {
    let mut left = rng.random::<f64>();
    for (item, share) in items {
        if left < *share {
            return *item;
        }
        left -= share;
    }
    items[items.len() - 1].0
}

/// A 0-10 score (an NPS of about +25 overall): a bell around 8 moved by the plan's mood and by how far into the year the
/// answer lies (the product gets a little better), clamped to the scale.
fn score(rng: &mut StdRng, mood: i32, progress: f64) -> u8 {
    let centre = 8.0 + mood as f64 * 0.7 + progress * 0.6;
    let spread: f64 = (0..4).map(|_| rng.random::<f64>()).sum::<f64>() - 2.0;
    (centre + spread * 2.2).round().clamp(0.0, 10.0) as u8
}

/// `count` sample answers shown during the year before `now` (epoch ms), the same ones for the
/// same `seed`.
pub fn sample_answers(count: usize, now: i64, seed: u64) -> Vec<SampleAnswer> {
    let mut rng = StdRng::seed_from_u64(seed);
    let accounts: Vec<(String, String, &str)> = (0..40)
        .map(|n| {
            let plan = pick(&mut rng, &PLANS.map(|(plan, share, _)| (plan, share)));
            let name = format!(
                "Sample {} {}",
                COMPANIES[n % COMPANIES.len()],
                n / COMPANIES.len() + 1
            );
            (format!("sample-account-{n}"), name, plan)
        })
        .collect();
    let users = (count / 2).max(1);
    let mut answers = Vec::with_capacity(count);
    for _ in 0..count {
        let user = rng.random_range(0..users);
        let (account_id, account_name, plan) = &accounts[user % accounts.len()];
        let mood = PLANS
            .iter()
            .find(|(name, ..)| name == plan)
            .map_or(0, |p| p.2);
        let language = pick(&mut rng, &LANGUAGES);
        let ago = rng.random_range(0..365 * DAY_MS);
        let shown_at = now - ago;
        let progress = 1.0 - ago as f64 / (365 * DAY_MS) as f64;
        let outcome = rng.random::<f64>();
        let (stage, score) = if outcome < 0.25 {
            (Stage::Displayed, None)
        } else if outcome < 0.4 {
            (Stage::Declined, None)
        } else {
            (Stage::Complete, Some(score(&mut rng, mood, progress)))
        };
        let category = score.and_then(|s| Kind::Nps.category(s));
        let comment = match score {
            Some(s) if rng.random::<f64>() < 0.55 => {
                let by_category = comments(language);
                let list = by_category[match s {
                    0..=6 => 0,
                    7 | 8 => 1,
                    _ => 2,
                }];
                Some(list[rng.random_range(0..list.len())].to_owned())
            }
            _ => None,
        };
        let answered_at = score.map(|_| shown_at + rng.random_range(2_000..60_000));
        let answer = Answer {
            id: uuid_v4(rng.random()),
            key: None,
            stage,
            kind: Kind::Nps,
            survey: "nps".to_owned(),
            score,
            category,
            comment,
            preview: false,
            user: Party {
                id: Some(format!("sample-user-{user}")),
                label: Some(format!("sample-user-{user}@example.com")),
                created_at: Some(shown_at - rng.random_range(40..900) * DAY_MS),
                properties: Some(
                    json!({ "plan": plan, "role": ROLES[user % ROLES.len()], "sample": true })
                        .to_string(),
                ),
            },
            user_hash: None,
            account: Party {
                id: Some(account_id.clone()),
                label: Some(account_name.clone()),
                created_at: None,
                properties: Some(json!({ "plan": plan }).to_string()),
            },
            language: Some(language.to_owned()),
            trigger: Some(TRIGGERS[rng.random_range(0..TRIGGERS.len())].to_owned()),
            page: Some(PAGES[rng.random_range(0..PAGES.len())].to_owned()),
            channel: if rng.random::<f64>() < 0.1 {
                "email"
            } else {
                "in-app"
            },
            shown_at,
            answered_at,
            widget_version: Some(nps_widget::core::answer::WIDGET_VERSION.to_owned()),
        };
        let received_at = answered_at.unwrap_or(shown_at) + rng.random_range(50..900);
        answers.push(SampleAnswer {
            answer,
            received_at,
        });
    }
    answers
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_000_000_000;

    #[test]
    fn the_same_seed_gives_the_same_answers() {
        assert_eq!(sample_answers(50, NOW, 7), sample_answers(50, NOW, 7));
        assert_ne!(sample_answers(50, NOW, 7), sample_answers(50, NOW, 8));
    }

    #[test]
    fn a_year_of_plausible_answers() {
        let answers = sample_answers(5_000, NOW, 1);
        assert_eq!(answers.len(), 5_000);
        let count = |stage: Stage| answers.iter().filter(|s| s.answer.stage == stage).count();
        let (displays, declines, responses) = (
            count(Stage::Displayed),
            count(Stage::Declined),
            count(Stage::Complete),
        );
        assert_eq!(displays + declines + responses, 5_000);
        assert!(
            (1_000..1_500).contains(&displays),
            "{displays} ignored displays"
        );
        assert!((500..1_000).contains(&declines), "{declines} declines");
        let score_of = |category: &str| {
            answers
                .iter()
                .filter(|s| s.answer.category == Some(category))
                .count() as f64
        };
        let nps = 100.0 * (score_of("promoter") - score_of("detractor")) / responses as f64;
        assert!((5.0..60.0).contains(&nps), "NPS {nps}");
        for sample in &answers {
            let answer = &sample.answer;
            assert!(answer.shown_at <= NOW && answer.shown_at > NOW - 365 * DAY_MS);
            assert!(sample.received_at >= answer.shown_at);
            assert!(
                answer.comment.is_none() || answer.score.is_some(),
                "a comment needs a score"
            );
            assert!(answer.user.id.as_deref().unwrap().starts_with("sample-"));
            assert!(answer
                .account
                .label
                .as_deref()
                .unwrap()
                .starts_with("Sample "));
        }
        let languages: std::collections::BTreeSet<_> = answers
            .iter()
            .filter_map(|s| s.answer.language.as_deref())
            .collect();
        assert_eq!(languages.len(), LANGUAGES.len());
        assert!(
            answers
                .iter()
                .filter(|s| s.answer.comment.is_some())
                .count()
                > 1_000
        );
    }
}
