//! The report's reads, one suite for both backends: the same answers, submitted the same way
//! to SQLite and to PostgreSQL (a throwaway cluster, see `common::postgres`), must give the
//! same counts for every query, the same surveys and the same kinds. SQLite answers from its
//! running counts when a query allows it and from the answers otherwise, so the queries cover
//! both. A small case counted by hand checks the numbers themselves.

mod common;

use common::backends::{open, Opened, BACKENDS};
use common::t;
use nps_collector::storage::report::{
    Field, Filter, ReportCounts, ReportQuery, SurveySummary, Tally,
};
use nps_collector::storage::Applied;
use nps_collector::validate;
use nps_widget::core::kind::{Kind, KINDS};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

const KEY: &str = "b1c4d2e3f4a5b6c7d8e9f0a1b2c3d4e5";
const DAY: i64 = 86_400_000;

/// One body to submit: the body, when it arrives (epoch ms), and, for an answer stored with
/// property values a body cannot carry (`null`, objects, arrays: `validate` refuses them, but
/// a database written otherwise may hold them), the JSON stored in place of the body's.
struct Delivery {
    body: Value,
    at: i64,
    user_properties: Option<String>,
    account_properties: Option<String>,
}

/// The answer id numbered `n`.
fn answer_id(n: usize) -> String {
    format!("3f2c8a1e-4b5d-4c6e-8f70-{n:012x}")
}

/// Picks one of `items`.
fn pick<T: Clone>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())].clone()
}

/// Plans, as text, with what needs care: case, Unicode, quotes and backslashes, nothing.
const PLANS: [&str; 8] = [
    "free",
    "pro",
    "team",
    "enterprise",
    "Pro",
    "ünïcødé ✓ 日本",
    "say \"hi\" \\ ok",
    "",
];

/// Random user properties: each kind of JSON value a body can carry, several properties whose
/// values are strings in some answers and numbers or booleans in others, and names with dots,
/// quotes and Unicode. `None` now and then (no properties at all).
fn user_properties(rng: &mut StdRng) -> Option<Value> {
    if rng.random_range(0..10) == 0 {
        return None;
    }
    let mut properties = Map::new();
    let mut maybe = |rng: &mut StdRng, name: &str, value: Value| {
        if rng.random_range(0..10) < 7 {
            properties.insert(name.to_owned(), value);
        }
    };
    let plan = json!(pick(rng, &PLANS));
    maybe(rng, "plan", plan);
    let seats = pick(
        rng,
        &[
            json!(0),
            json!(1),
            json!(12),
            json!(250),
            json!(-3),
            json!(9_007_199_254_740_993u64),
            json!(u64::MAX),
            json!(i64::MIN),
        ],
    );
    maybe(rng, "seats", seats);
    // Numbers that are not integers, written as `serde_json` writes them: plain notation
    // (`12.0`, `0.00001`) and scientific notation (`1.5e-7`, `1e+300`).
    let ratio = pick(
        rng,
        &[
            0.5,
            12.0,
            3.25,
            1.5e-7,
            1e-5,
            9.99e-6,
            123_456.789,
            1e300,
            -2.5e20,
            5e-324,
            1e15,
            1.7976931348623157e308,
            0.1 + 0.2,
            -0.75,
        ],
    );
    maybe(rng, "ratio", json!(ratio));
    let trial = rng.random_bool(0.5);
    maybe(rng, "trial", json!(trial));
    // Text in some answers, a number or a boolean in others: compared and grouped as text.
    let tier = pick(
        rng,
        &[
            json!("12"),
            json!(12),
            json!("true"),
            json!(true),
            json!(12.0),
            json!("gold"),
        ],
    );
    maybe(rng, "tier", tier);
    let dotted = pick(rng, &[json!("dot"), json!(2)]);
    maybe(rng, "a.b", dotted);
    let quoted = pick(rng, &[json!("x"), json!("y")]);
    maybe(rng, "it's", quoted);
    let unicode = pick(rng, &[json!("значение"), json!(false)]);
    maybe(rng, "ключ", unicode);
    Some(Value::Object(properties))
}

/// Random account properties.
fn account_properties(rng: &mut StdRng) -> Option<Value> {
    if rng.random_range(0..8) == 0 {
        return None;
    }
    let mut properties = Map::new();
    if rng.random_bool(0.8) {
        let industry = pick(rng, &["saas", "retail", "ÉDU", "\"quoted\""]);
        properties.insert("industry".into(), json!(industry));
    }
    if rng.random_bool(0.6) {
        let employees = pick(rng, &[json!(5), json!(120), json!(5.5), json!("5")]);
        properties.insert("employees".into(), employees);
    }
    if rng.random_bool(0.5) {
        properties.insert("public".into(), json!(rng.random_bool(0.3)));
    }
    Some(Value::Object(properties))
}

/// Stored user properties with `null`, objects and arrays (the text as stored: spaces, which
/// SQLite's JSON functions drop, and objects whose keys are in the order JSONB keeps them).
fn raw_user_properties(rng: &mut StdRng) -> String {
    let plan = pick(rng, &["pro", "free"]);
    pick(
        rng,
        &[
            format!(r#"{{"plan":"{plan}","nested":{{"a":1,"b":[true,"x, y: \"z\""]}}}}"#),
            r#"{"plan": null, "list": [1, 2.5, "three", {"k": null}]}"#.to_owned(),
            format!(r#"{{"plan":"{plan}","nested":{{}},"list":[],"nothing":null}}"#),
            format!(r#"{{"plan":"{plan}","tier":{{"n":12}},"seats":[12]}}"#),
        ],
    )
}

/// Random account properties as stored, with what bodies cannot carry.
fn raw_account_properties(rng: &mut StdRng) -> String {
    pick(
        rng,
        &[
            r#"{"industry":null,"tags":["b2b","eu"]}"#.to_owned(),
            r#"{"industry":"saas","owner":{"id":7}}"#.to_owned(),
        ],
    )
}

/// The surveys of the random answers, with their kind (`None`: one of the three at random, a
/// survey whose kind was changed). `""` sends no survey id (the kind's name is used).
const SURVEYS: [(&str, Option<Kind>); 6] = [
    ("onboarding", Some(Kind::Nps)),
    ("checkout", Some(Kind::Csat)),
    ("support", Some(Kind::Ces)),
    ("mixed", None),
    ("", None),
    ("previews", None),
];

/// `count` random answers, each as the bodies of its life (a display, then a score, a second
/// score, a completion, or a decline), in the order they arrive, over eight months of 2026.
fn random_deliveries(rng: &mut StdRng, count: usize) -> Vec<Delivery> {
    let start = t("2026-01-01T00:00:00Z");
    let mut deliveries = Vec::new();
    for n in 0..count {
        let (survey, kind) = SURVEYS[pick(rng, &[0, 0, 0, 1, 1, 2, 3, 3, 4, 5])];
        let kind = kind.unwrap_or_else(|| pick(rng, &KINDS));
        let preview = survey == "previews" || rng.random_range(0..20) == 0;
        // Times to the millisecond, or on a minute or a quarter hour (ties, and answers on
        // buckets' boundaries).
        let mut shown = start + rng.random_range(0..240 * DAY);
        match rng.random_range(0..4) {
            0 => shown -= shown.rem_euclid(60_000),
            1 => shown -= shown.rem_euclid(900_000),
            _ => {}
        }
        // Mostly received soon after; sometimes days later; sometimes too late or too early
        // for the device's time to count (the arrival's counts instead).
        let received = shown
            + match rng.random_range(0..10) {
                0 => 9 * DAY + rng.random_range(0..DAY),
                1 => rng.random_range(DAY..7 * DAY),
                2 => -600_000 - rng.random_range(0..DAY),
                _ => rng.random_range(0..120_000),
            };
        let mut common = json!({
            "id": answer_id(n),
            "key": KEY,
            "kind": kind.name(),
            "preview": preview,
            "shownAt": nps_widget::core::time::format_timestamp(shown),
        });
        if !survey.is_empty() {
            common["survey"] = json!(survey);
        }
        if rng.random_range(0..10) != 0 {
            let mut user = json!({
                "id": format!("u_{}", rng.random_range(0..400)),
                "email": "someone@example.com",
            });
            if let Some(properties) = user_properties(rng) {
                user["properties"] = properties;
            }
            common["user"] = user;
        }
        if rng.random_range(0..5) != 0 {
            let number = rng.random_range(0..60);
            let name = pick(
                rng,
                &[
                    format!("Acme {number}"),
                    "Zürich GmbH".to_owned(),
                    "株式会社".to_owned(),
                    "O'Brien & \"Sons\"".to_owned(),
                ],
            );
            let mut account = json!({ "id": format!("acme_{number}"), "name": name });
            if let Some(properties) = account_properties(rng) {
                account["properties"] = properties;
            }
            common["account"] = account;
        }
        let fields: [(&str, Vec<Option<&str>>); 3] = [
            (
                "language",
                vec![
                    Some("en"),
                    Some("de"),
                    Some("fr"),
                    Some("pt-BR"),
                    Some(""),
                    None,
                ],
            ),
            (
                "trigger",
                vec![
                    Some("event:report_exported"),
                    Some("page:/billing"),
                    Some("time:30s"),
                    None,
                ],
            ),
            (
                "channel",
                vec![Some("in-app"), Some("email"), Some("link"), None],
            ),
        ];
        for (name, values) in fields {
            if let Some(value) = pick(rng, &values) {
                common[name] = json!(value);
            }
        }
        let user_raw = (rng.random_range(0..10) == 0).then(|| raw_user_properties(rng));
        let account_raw = (rng.random_range(0..12) == 0).then(|| raw_account_properties(rng));

        let (low, high) = kind.scores();
        let body = |body_type: &str, score: Option<u8>, complete: bool| {
            let mut body = common.clone();
            body["type"] = json!(body_type);
            if let Some(score) = score {
                body["score"] = json!(score);
                body["complete"] = json!(complete);
                if complete {
                    body["comment"] = json!("fine");
                }
            }
            body
        };
        let mut bodies = Vec::new();
        if rng.random_range(0..4) != 0 {
            bodies.push(body("display", None, false));
        }
        match rng.random_range(0..10) {
            0 | 1 => bodies.push(body("decline", None, false)),
            2 if !bodies.is_empty() => {}
            _ => {
                let score = rng.random_range(low..=high);
                bodies.push(body("response", Some(score), false));
                if rng.random_bool(0.3) {
                    let score = rng.random_range(low..=high);
                    bodies.push(body("response", Some(score), false));
                }
                if rng.random_bool(0.5) {
                    bodies.push(body("response", Some(score), true));
                }
            }
        }
        for (i, body) in bodies.into_iter().enumerate() {
            deliveries.push(Delivery {
                body,
                at: received + i as i64 * 10_000 + rng.random_range(0..5_000),
                user_properties: user_raw.clone(),
                account_properties: account_raw.clone(),
            });
        }
    }
    // In the order they arrive, each at an instant of its own: both backends then store the
    // answers in one order, which decides ties between previews (see `survey_kind`).
    deliveries.sort_by_key(|delivery| delivery.at);
    let mut previous = i64::MIN;
    for delivery in &mut deliveries {
        delivery.at = delivery.at.max(previous + 1);
        previous = delivery.at;
    }
    deliveries
}

/// Submits `deliveries` in order; the verdicts.
async fn submit_all(opened: &Opened, deliveries: &[Delivery]) -> Vec<Applied> {
    let mut verdicts = Vec::new();
    for delivery in deliveries {
        let mut answer =
            validate::answer(&delivery.body).unwrap_or_else(|e| panic!("{e:?}: {}", delivery.body));
        if delivery.user_properties.is_some() {
            answer.user.properties = delivery.user_properties.clone();
        }
        if delivery.account_properties.is_some() {
            answer.account.properties = delivery.account_properties.clone();
        }
        verdicts.push(opened.answers().submit(answer, delivery.at).await.unwrap());
    }
    verdicts
}

/// `counts` with its segments in a fixed order (theirs is unspecified).
fn sorted(mut counts: ReportCounts) -> ReportCounts {
    counts.segments.sort_by(|a, b| a.0.cmp(&b.0));
    counts
}

fn filter(field: Field, value: &str) -> Filter {
    Filter {
        field,
        value: value.to_owned(),
    }
}

fn user(name: &str) -> Field {
    Field::UserProperty(name.to_owned())
}

fn account(name: &str) -> Field {
    Field::AccountProperty(name.to_owned())
}

/// The `where` and `by` of the compared queries: no filter, one on every field (values the
/// answers have, and some they do not), two at once, a breakdown by every field, and both.
fn shapes() -> Vec<(Vec<Filter>, Option<Field>)> {
    let single = [
        filter(Field::UserId, "u_7"),
        filter(Field::AccountId, "acme_3"),
        filter(Field::AccountName, "O'Brien & \"Sons\""),
        filter(Field::AccountName, "株式会社"),
        filter(Field::Language, "de"),
        filter(Field::Language, ""),
        filter(Field::Trigger, "page:/billing"),
        filter(Field::Channel, "email"),
        filter(Field::Category, "promoter"),
        filter(Field::Category, "neutral"),
        filter(user("plan"), "pro"),
        filter(user("plan"), "ünïcødé ✓ 日本"),
        filter(user("plan"), "say \"hi\" \\ ok"),
        filter(user("plan"), ""),
        filter(user("seats"), "12"),
        filter(user("seats"), "18446744073709551615"),
        filter(user("seats"), "-9223372036854775808"),
        filter(user("ratio"), "1.5e-7"),
        filter(user("ratio"), "1e+300"),
        filter(user("ratio"), "12.0"),
        filter(user("ratio"), "12"),
        filter(user("ratio"), "0.30000000000000004"),
        filter(user("trial"), "true"),
        filter(user("trial"), "1"),
        filter(user("tier"), "12"),
        filter(user("tier"), "true"),
        filter(user("a.b"), "2"),
        filter(user("it's"), "x"),
        filter(user("ключ"), "false"),
        filter(user("nested"), r#"{"a":1,"b":[true,"x, y: \"z\""]}"#),
        filter(user("list"), "[]"),
        filter(user("nothing"), "null"),
        filter(user("missing"), ""),
        filter(account("industry"), "ÉDU"),
        filter(account("employees"), "5"),
        filter(account("tags"), r#"["b2b","eu"]"#),
        filter(Field::Language, "xx"),
    ];
    let by = [
        Field::UserId,
        Field::AccountId,
        Field::AccountName,
        Field::Language,
        Field::Trigger,
        Field::Channel,
        Field::Category,
        user("plan"),
        user("seats"),
        user("ratio"),
        user("trial"),
        user("tier"),
        user("a.b"),
        user("it's"),
        user("ключ"),
        user("nested"),
        user("list"),
        user("nothing"),
        user("missing"),
        account("industry"),
        account("employees"),
        account("public"),
        account("tags"),
        account("owner"),
    ];
    let mut shapes = vec![(Vec::new(), None)];
    shapes.extend(single.iter().map(|f| (vec![f.clone()], None)));
    shapes.extend(by.iter().map(|field| (Vec::new(), Some(field.clone()))));
    shapes.extend([
        (
            vec![
                filter(Field::Channel, "in-app"),
                filter(Field::Language, "en"),
            ],
            None,
        ),
        (
            vec![
                filter(user("plan"), "pro"),
                filter(account("industry"), "saas"),
            ],
            Some(user("tier")),
        ),
        (vec![filter(user("plan"), "pro")], Some(Field::Language)),
        (vec![filter(Field::Language, "de")], Some(user("ratio"))),
        (vec![filter(user("tier"), "12")], Some(user("tier"))),
        (
            vec![filter(Field::Category, "passive")],
            Some(Field::Category),
        ),
        (
            vec![filter(Field::Language, "fr"), filter(user("plan"), "nope")],
            Some(user("plan")),
        ),
    ]);
    shapes
}

/// `[start, end)` pairs of the instants given, in order.
fn windows(instants: &[i64]) -> Vec<(i64, i64)> {
    instants.windows(2).map(|pair| (pair[0], pair[1])).collect()
}

/// A range (`from`, `to`) and its buckets, epoch ms.
type Range = (i64, i64, Vec<(i64, i64)>);

/// The ranges and buckets of the compared queries: on quarter hours (which SQLite answers
/// from its running counts) and not, empty, beyond the answers.
fn ranges() -> Vec<Range> {
    let months: Vec<i64> = (1..=9)
        .map(|month| t(&format!("2026-{month:02}-01T00:00:00Z")))
        .collect();
    // Days in Los Angeles around the change to summer time (2026-03-08): midnights at 08:00
    // UTC, then at 07:00.
    let days = [
        t("2026-03-05T08:00:00Z"),
        t("2026-03-06T08:00:00Z"),
        t("2026-03-07T08:00:00Z"),
        t("2026-03-08T08:00:00Z"),
        t("2026-03-09T07:00:00Z"),
        t("2026-03-10T07:00:00Z"),
    ];
    // Weeks starting seven minutes past the hour (not on a quarter hour).
    let week_start = t("2026-02-01T00:07:00Z");
    let weeks: Vec<i64> = (0..=12).map(|week| week_start + week * 7 * DAY).collect();
    let january = t("2026-01-01T00:00:00Z");
    let nothing = t("2027-01-01T00:00:00Z");
    vec![
        (months[0], months[8], windows(&months)),
        (days[0], days[5], windows(&days)),
        (weeks[0], weeks[12], windows(&weeks)),
        // A millisecond in: no longer on a quarter hour.
        (
            months[2] + 1,
            months[5],
            vec![(months[2] + 1, months[3]), (months[3], months[5])],
        ),
        (months[3], months[3], vec![(months[3], months[3])]),
        (
            nothing,
            nothing + 30 * DAY,
            vec![(nothing, nothing + 30 * DAY)],
        ),
        // Buckets that overlap, and one outside the range: each counts its own range.
        (
            january,
            months[2],
            vec![
                (january, months[2]),
                (months[1], months[3]),
                (months[5], months[6]),
            ],
        ),
        (january, months[4], Vec::new()),
    ]
}

/// Every query compared: each shape over each range for the surveys with answers of the
/// kind, fewer for the rest.
fn queries() -> Vec<ReportQuery> {
    let mut targets: Vec<(&str, Kind, bool)> = vec![
        ("onboarding", Kind::Nps, true),
        ("checkout", Kind::Csat, true),
        ("support", Kind::Ces, true),
        ("nps", Kind::Nps, true),
        ("previews", Kind::Nps, false),
        ("onboarding", Kind::Csat, false),
        ("unknown", Kind::Nps, false),
    ];
    targets.extend(KINDS.map(|kind| ("mixed", kind, true)));
    let shapes = shapes();
    let ranges = ranges();
    let mut queries = Vec::new();
    for (survey, kind, every_shape) in targets {
        for (i, (from, to, buckets)) in ranges.iter().enumerate() {
            for (j, (filters, by)) in shapes.iter().enumerate() {
                if !every_shape && (i + j) % 7 != 0 {
                    continue;
                }
                queries.push(ReportQuery {
                    survey: survey.to_owned(),
                    kind,
                    from: *from,
                    to: *to,
                    buckets: buckets.clone(),
                    filters: filters.clone(),
                    by: by.clone(),
                });
            }
        }
    }
    queries
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_count_the_same_random_answers_alike() {
    let mut rng = StdRng::seed_from_u64(2026);
    let deliveries = random_deliveries(&mut rng, 3000);
    let queries = queries();
    let mut results = Vec::new();
    for backend in BACKENDS {
        let opened = open(backend).await;
        let verdicts = submit_all(&opened, &deliveries).await;
        let store = opened.reports();
        let mut counts = Vec::new();
        for query in &queries {
            let found = store
                .report_counts(query)
                .await
                .unwrap_or_else(|e| panic!("{backend:?}: {e}: {query:?}"));
            counts.push(sorted(found));
        }
        let surveys = store.surveys().await.unwrap();
        let mut kinds = Vec::new();
        for survey in [
            "onboarding",
            "checkout",
            "support",
            "mixed",
            "nps",
            "csat",
            "ces",
            "previews",
            "unknown",
        ] {
            kinds.push((survey, store.survey_kind(survey).await.unwrap()));
        }
        results.push((backend, verdicts, counts, surveys, kinds));
    }
    let (sqlite, postgres) = (&results[0], &results[1]);
    assert_eq!(sqlite.1, postgres.1, "the verdicts");
    let stored = sqlite.1.iter().filter(|v| **v == Applied::Stored).count();
    assert_eq!(stored, deliveries.len(), "every body moves its answer on");
    for ((query, a), b) in queries.iter().zip(&sqlite.2).zip(&postgres.2) {
        assert_eq!(a, b, "SQLite, then PostgreSQL: {query:?}");
    }
    assert_eq!(sqlite.3, postgres.3, "the surveys");
    assert_eq!(sqlite.4, postgres.4, "the surveys' kinds");

    // What was compared is not empty or trivial.
    let counted = sqlite.2.iter().filter(|c| c.total.displays > 0).count();
    assert!(
        counted * 2 > queries.len(),
        "{counted} of {}",
        queries.len()
    );
    let whole = &sqlite.2[0];
    assert_eq!(queries[0].survey, "onboarding");
    assert!(
        whole.total.displays > 500
            && whole.total.dismissals > 50
            && whole.total.categories.iter().all(|&n| n > 20)
            && whole.buckets.iter().all(|b| b.displays > 0),
        "{whole:?}"
    );
    let values = |field: Field| -> Vec<Option<String>> {
        let at = queries
            .iter()
            .position(|q| q.survey == "onboarding" && q.by == Some(field.clone()))
            .unwrap();
        sqlite.2[at].segments.iter().map(|s| s.0.clone()).collect()
    };
    let some = |text: &str| Some(text.to_owned());
    let ratios = values(user("ratio"));
    for ratio in [
        "1.5e-7",
        "0.00001",
        "9.99e-6",
        "1e+300",
        "-2.5e+20",
        "5e-324",
        "1000000000000000.0",
        "1.7976931348623157e+308",
        "0.30000000000000004",
        "12.0",
    ] {
        assert!(ratios.contains(&some(ratio)), "{ratio}: {ratios:?}");
    }
    let seats = values(user("seats"));
    for seat in ["18446744073709551615", "-9223372036854775808", "12"] {
        assert!(seats.contains(&some(seat)), "{seat}: {seats:?}");
    }
    let tiers = values(user("tier"));
    for tier in ["12", "12.0", "true", r#"{"n":12}"#] {
        assert!(tiers.contains(&some(tier)), "{tier}: {tiers:?}");
    }
    let nested = values(user("nested"));
    assert!(nested.contains(&some(r#"{"a":1,"b":[true,"x, y: \"z\""]}"#)));
    assert!(nested.contains(&some("{}")));
    assert!(values(user("list")).contains(&some(r#"[1,2.5,"three",{"k":null}]"#)));
    assert_eq!(values(user("nothing")), [None], "null is no value");
    assert!(values(user("plan")).contains(&some("say \"hi\" \\ ok")));
    let surveys: Vec<(&str, Kind)> = sqlite
        .3
        .iter()
        .map(|s| (s.survey.as_str(), s.kind))
        .collect();
    for expected in [
        ("onboarding", Kind::Nps),
        ("mixed", Kind::Csat),
        ("mixed", Kind::Ces),
        ("nps", Kind::Nps),
    ] {
        assert!(surveys.contains(&expected), "{expected:?}: {surveys:?}");
    }
    assert!(!surveys.iter().any(|s| s.0 == "previews"));
    assert_eq!(sqlite.4.last(), Some(&("unknown", None)));
    assert!(sqlite.4.iter().filter(|(_, kind)| kind.is_some()).count() >= 7);
}

/// A display of answer `n`, of `kind`, for survey `survey`, shown at `shown`, with the
/// top-level fields of `changes`.
fn hand_body(n: usize, kind: Kind, survey: &str, shown: &str, changes: Value) -> Value {
    let body = json!({
        "id": answer_id(n),
        "key": KEY,
        "kind": kind.name(),
        "survey": survey,
        "type": "display",
        "shownAt": shown,
    });
    with_fields(&body, changes)
}

#[tokio::test]
async fn a_small_case_counted_by_hand() {
    let nps = Kind::Nps;
    let response = |score: u8| json!({ "type": "response", "score": score });
    let properties = |value: Value| json!({ "id": "u_1", "properties": value });
    // (body, arrival): the answers of survey `hand` on 2026-03-01 and 03-02 (UTC), with what
    // must not count around them; two surveys whose latest answers were shown at one instant.
    let a = hand_body(
        1,
        nps,
        "hand",
        "2026-03-01T10:00:00.000Z",
        json!({ "user": properties(json!({ "plan": "pro", "seats": 12, "ratio": 1.5e-7, "trial": true })),
                "language": "en" }),
    );
    let b = hand_body(
        2,
        nps,
        "hand",
        "2026-03-01T10:20:00.000Z",
        json!({ "user": properties(json!({ "plan": "free", "seats": 12.0 })), "language": "de" }),
    );
    let c = hand_body(
        3,
        nps,
        "hand",
        "2026-03-02T09:00:00.000Z",
        json!({ "user": properties(json!({ "plan": "pro", "seats": "12" })), "channel": "email" }),
    );
    let d = hand_body(4, nps, "hand", "2026-03-02T23:59:59.999Z", json!({}));
    let e = hand_body(
        5,
        nps,
        "hand",
        "2026-03-03T00:00:00.000Z",
        json!({ "user": properties(json!({ "plan": "pro" })) }),
    );
    let f = hand_body(
        6,
        nps,
        "hand",
        "2026-03-01T12:00:00.000Z",
        json!({ "preview": true }),
    );
    let g = hand_body(7, Kind::Csat, "hand", "2026-03-01T11:00:00.000Z", json!({}));
    let tie = "2026-03-05T00:00:00.000Z";
    let bodies: Vec<(Value, &str)> = vec![
        (a.clone(), "2026-03-01T10:00:01Z"),
        (with_fields(&a, response(9)), "2026-03-01T10:00:05Z"),
        (b.clone(), "2026-03-01T10:20:01Z"),
        (
            with_fields(&b, json!({ "type": "decline" })),
            "2026-03-01T10:20:02Z",
        ),
        (
            with_fields(
                &c,
                json!({ "type": "response", "score": 3, "complete": true }),
            ),
            "2026-03-02T09:00:01Z",
        ),
        (with_fields(&d, response(7)), "2026-03-03T00:00:01Z"),
        (e, "2026-03-03T00:00:01Z"),
        (with_fields(&f, response(10)), "2026-03-01T12:00:01Z"),
        (with_fields(&g, response(5)), "2026-03-01T11:00:01Z"),
        // Shown at one instant: kinds `ces`, then `csat`; previews `csat`, then `nps`.
        (
            hand_body(8, Kind::Ces, "tie", tie, json!({})),
            "2026-03-05T00:00:01Z",
        ),
        (
            hand_body(9, Kind::Csat, "tie", tie, json!({})),
            "2026-03-05T00:00:02Z",
        ),
        (
            hand_body(
                10,
                Kind::Csat,
                "preview_tie",
                tie,
                json!({ "preview": true }),
            ),
            "2026-03-05T00:00:03Z",
        ),
        (
            hand_body(
                11,
                Kind::Nps,
                "preview_tie",
                tie,
                json!({ "preview": true }),
            ),
            "2026-03-05T00:00:04Z",
        ),
    ];
    let (march, second, third) = (
        t("2026-03-01T00:00:00Z"),
        t("2026-03-02T00:00:00Z"),
        t("2026-03-03T00:00:00Z"),
    );
    let query = |filters: Vec<Filter>, by: Option<Field>| ReportQuery {
        survey: "hand".into(),
        kind: nps,
        from: march,
        to: third,
        buckets: vec![(march, second), (second, third)],
        filters,
        by,
    };
    let some = |text: &str| Some(text.to_owned());
    for backend in BACKENDS {
        let opened = open(backend).await;
        for (body, at) in &bodies {
            let answer = validate::answer(body).unwrap_or_else(|e| panic!("{e:?}: {body}"));
            let applied = opened.answers().submit(answer, t(at)).await.unwrap();
            assert_eq!(applied, Applied::Stored, "{backend:?}: {body}");
        }
        let store = opened.reports();
        let counts =
            |query: ReportQuery| async move { sorted(store.report_counts(&query).await.unwrap()) };

        let all = counts(query(Vec::new(), Some(user("plan")))).await;
        let (a, b, c, d) = (
            Tally {
                displays: 1,
                responses: 1,
                categories: [0, 0, 1],
                sum: 9,
                sum_squares: 81,
                ..Tally::default()
            },
            Tally {
                displays: 1,
                dismissals: 1,
                ..Tally::default()
            },
            Tally {
                displays: 1,
                responses: 1,
                categories: [1, 0, 0],
                sum: 3,
                sum_squares: 9,
                ..Tally::default()
            },
            Tally {
                displays: 1,
                responses: 1,
                categories: [0, 1, 0],
                sum: 7,
                sum_squares: 49,
                ..Tally::default()
            },
        );
        let sum = |tallies: &[Tally]| {
            let mut total = Tally::default();
            for tally in tallies {
                total += *tally;
            }
            total
        };
        assert_eq!(
            all.total,
            Tally {
                displays: 4,
                responses: 3,
                dismissals: 1,
                categories: [1, 1, 1],
                sum: 19,
                sum_squares: 139,
            },
            "{backend:?}"
        );
        assert_eq!(all.total, sum(&[a, b, c, d]));
        assert_eq!(all.distribution, [(3, 1), (7, 1), (9, 1)], "{backend:?}");
        assert_eq!(all.buckets, [sum(&[a, b]), sum(&[c, d])], "{backend:?}");
        assert_eq!(
            all.segments,
            [(None, d), (some("free"), b), (some("pro"), sum(&[a, c]))],
            "{backend:?}"
        );

        let segments = |by: Field| async move {
            counts(query(Vec::new(), Some(by)))
                .await
                .segments
                .into_iter()
                .map(|(value, tally)| (value, tally.displays))
                .collect::<Vec<_>>()
        };
        // A number is its JSON text: 12 and "12" are one value, 12.0 another.
        assert_eq!(
            segments(user("seats")).await,
            [(None, 1), (some("12"), 2), (some("12.0"), 1)],
            "{backend:?}"
        );
        assert_eq!(
            segments(user("ratio")).await,
            [(None, 3), (some("1.5e-7"), 1)],
            "{backend:?}"
        );
        assert_eq!(
            segments(Field::Language).await,
            [(None, 2), (some("de"), 1), (some("en"), 1)],
            "{backend:?}"
        );
        assert_eq!(
            segments(Field::Category).await,
            [
                (None, 1),
                (some("detractor"), 1),
                (some("passive"), 1),
                (some("promoter"), 1)
            ],
            "{backend:?}"
        );

        let displays =
            |filters: Vec<Filter>| async move { counts(query(filters, None)).await.total.displays };
        assert_eq!(displays(vec![filter(user("seats"), "12")]).await, 2);
        assert_eq!(displays(vec![filter(user("seats"), "12.0")]).await, 1);
        assert_eq!(displays(vec![filter(user("trial"), "true")]).await, 1);
        assert_eq!(displays(vec![filter(user("ratio"), "1.5e-7")]).await, 1);
        assert_eq!(displays(vec![filter(user("ratio"), "0.00000015")]).await, 0);
        assert_eq!(displays(vec![filter(Field::Channel, "in-app")]).await, 3);
        assert_eq!(
            displays(vec![
                filter(user("plan"), "pro"),
                filter(Field::Channel, "email")
            ])
            .await,
            1
        );
        // Broken down by the field a filter fixes: one segment, the total's.
        let fixed = counts(query(vec![filter(user("plan"), "pro")], Some(user("plan")))).await;
        assert_eq!(fixed.segments, [(some("pro"), sum(&[a, c]))], "{backend:?}");

        // From a millisecond after the first answer's time: it is left out.
        let mut later = query(Vec::new(), None);
        later.from = t("2026-03-01T10:00:00Z") + 1;
        later.buckets[0].0 = later.from;
        let later = counts(later).await;
        assert_eq!(later.total, sum(&[b, c, d]), "{backend:?}");
        assert_eq!(later.buckets, [b, sum(&[c, d])], "{backend:?}");

        // Nothing in an empty range, of another kind, or of an unknown survey.
        let mut empty = query(Vec::new(), Some(Field::Language));
        empty.to = empty.from;
        let mut csat = query(Vec::new(), None);
        csat.kind = Kind::Csat;
        let mut unknown = query(Vec::new(), Some(Field::Language));
        unknown.survey = "unknown".into();
        for (query, total) in [
            (empty, Tally::default()),
            (
                csat,
                Tally {
                    displays: 1,
                    responses: 1,
                    categories: [0, 0, 1],
                    sum: 5,
                    sum_squares: 25,
                    ..Tally::default()
                },
            ),
            (unknown, Tally::default()),
        ] {
            let found = counts(query).await;
            assert_eq!(found.total, total, "{backend:?}");
            assert!(found.segments.is_empty(), "{backend:?}");
        }

        assert_eq!(
            store.surveys().await.unwrap(),
            [
                ("hand", Kind::Nps, 5),
                ("hand", Kind::Csat, 1),
                ("tie", Kind::Ces, 1),
                ("tie", Kind::Csat, 1),
            ]
            .map(|(survey, kind, displays)| SurveySummary {
                survey: survey.into(),
                kind,
                displays,
            }),
            "{backend:?}"
        );
        // The latest answer's kind; at one instant, the greatest kind's; among previews at one
        // instant, the first stored's.
        for (survey, kind) in [
            ("hand", Some(Kind::Nps)),
            ("tie", Some(Kind::Csat)),
            ("preview_tie", Some(Kind::Csat)),
            ("unknown", None),
        ] {
            assert_eq!(
                store.survey_kind(survey).await.unwrap(),
                kind,
                "{backend:?}: {survey}"
            );
        }
    }
}

/// `body` with the top-level fields of `changes`.
fn with_fields(body: &Value, changes: Value) -> Value {
    let mut body = body.clone();
    for (field, value) in changes.as_object().unwrap() {
        body[field] = value.clone();
    }
    body
}
