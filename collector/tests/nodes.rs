//! Two collector processes on one PostgreSQL database, as behind a load balancer: bodies of one
//! answer on both, eligibility read across them, hook events sent once between them, and one
//! of them killed (SIGKILL) in the middle of a load.

mod common;

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::hooks::{answer_id, body, Receiver};
use common::nodes::{deliver, request, wait_delivered, Node};
use common::postgres;
use serde_json::{json, Value};

/// Every answer stored, by id, read from the database itself.
async fn stored(db: &str) -> HashMap<String, (String, bool, Option<i16>, Option<String>)> {
    let (client, connection) = tokio_postgres::connect(db, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .query(
            "SELECT id, type, complete, score, comment FROM responses",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), (row.get(1), row.get(2), row.get(3), row.get(4))))
        .collect()
}

#[tokio::test]
async fn bodies_of_one_answer_on_both_nodes_make_one_answer_by_the_rules() {
    let db = postgres::fresh_database().await;
    let (a, b) = (Node::start(&db, &[]), Node::start(&db, &[]));
    let post = |addr: String, body: Value| async move {
        request(&addr, "POST", "/v1/responses", Some(&body), false)
            .await
            .unwrap()
    };
    let mut complete = body(1, "complete", 3);
    complete["comment"] = json!("Exports time out");
    let steps = [
        (&a, body(1, "display", 0), false),
        (&b, body(1, "scored", 3), false),
        (&a, complete.clone(), false),
        // Late, backwards and frozen bodies are acknowledged and ignored on either node.
        (&b, body(1, "display", 0), true),
        (&b, body(1, "scored", 9), true),
        (&a, complete.clone(), true),
    ];
    for (node, body, ignored) in steps {
        let reply = post(node.addr.clone(), body.clone()).await;
        assert_eq!(reply.status, 202, "{body} -> {:?}", reply.body);
        assert_eq!(reply.body.get("ignored").is_some(), ignored, "{body}");
    }
    // Another kind under the same id is a conflict, on the other node too.
    let mut csat = body(1, "scored", 3);
    csat["kind"] = json!("csat");
    csat["category"] = json!("neutral");
    let reply = post(b.addr.clone(), csat).await;
    assert_eq!(reply.status, 409, "{:?}", reply.body);
    assert_eq!(reply.body["field"], "kind");

    let answers = stored(&db).await;
    assert_eq!(answers.len(), 1, "{answers:?}");
    assert_eq!(
        answers[&answer_id(1)],
        (
            "response".into(),
            true,
            Some(3),
            Some("Exports time out".into())
        )
    );
}

#[tokio::test]
async fn an_answer_through_one_node_makes_the_user_ineligible_on_the_other() {
    let db = postgres::fresh_database().await;
    let (a, b) = (Node::start(&db, &[]), Node::start(&db, &[]));
    let eligibility = |addr: String| async move {
        request(&addr, "GET", "/v1/eligibility?userId=u_42", None, false)
            .await
            .unwrap()
            .body
    };
    assert_eq!(eligibility(b.addr.clone()).await["eligible"], json!(true));
    let (status, _) = deliver(&[&a.addr], 0, &body(1, "complete", 9)).await;
    assert_eq!(status, 202);
    let reply = eligibility(b.addr.clone()).await;
    assert_eq!(reply["eligible"], json!(false), "{reply}");
    assert!(reply["nextEligibleAt"].is_string(), "{reply}");
}

#[tokio::test]
async fn each_hook_event_is_sent_once_by_one_of_the_nodes() {
    let db = postgres::fresh_database().await;
    let flags = ["--allow-private-hooks"];
    let (a, b) = (Node::start(&db, &flags), Node::start(&db, &flags));
    let receiver = Receiver::ok().await;
    let hook = json!({ "name": "CRM", "url": receiver.url, "format": "webhook",
                       "events": ["response.created", "response.completed"] });
    let created = request(&a.addr, "POST", "/v1/hooks", Some(&hook), true)
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{:?}", created.body);

    // 60 answers, each body on the other node than the one before.
    let addrs = [a.addr.as_str(), b.addr.as_str()];
    for n in 0..60u32 {
        for (i, stage) in ["display", "scored", "complete"].into_iter().enumerate() {
            let (status, _) = deliver(&addrs, n as usize + i, &body(n, stage, 4)).await;
            assert_eq!(status, 202);
        }
    }
    // Once the database says all 120 were delivered, nothing more is sent: a delivery is
    // recorded after it was sent, and a delivered one is never sent again.
    wait_delivered(&db, 120).await;
    let got = receiver.received();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for request in &got {
        let event = request.json();
        let key = (
            event["data"]["id"].as_str().unwrap().to_owned(),
            event["type"].as_str().unwrap().to_owned(),
        );
        *seen.entry(key).or_default() += 1;
        *ids.entry(request.header("webhook-id").to_owned())
            .or_default() += 1;
    }
    assert_eq!(seen.len(), 120, "two events of each of 60 answers");
    assert!(
        seen.values().all(|&n| n == 1),
        "sent more than once: {seen:?}"
    );
    assert!(ids.values().all(|&n| n == 1), "a webhook-id twice: {ids:?}");
    // One hook: never two of its attempts at once, whichever collectors sent them.
    assert_eq!(receiver.most_at_once.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_node_killed_mid_run_leaves_its_hook_to_the_other() {
    let db = postgres::fresh_database().await;
    let flags = ["--allow-private-hooks"];
    let mut a = Node::start(&db, &flags);
    // A slow receiver: a run of 20 deliveries takes seconds.
    let receiver = Receiver::start(|_| (200, 250)).await;
    let hook = json!({ "name": "CRM", "url": receiver.url, "format": "webhook",
                       "events": ["response.completed"] });
    let created = request(&a.addr, "POST", "/v1/hooks", Some(&hook), true)
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{:?}", created.body);
    // Twenty answers at once: A's worker, woken by the first, gathers for a moment and takes
    // them all in one run, and is killed in the middle of it.
    let mut posts = tokio::task::JoinSet::new();
    for n in 0..20u32 {
        let addr = a.addr.clone();
        posts.spawn(async move { deliver(&[&addr], 0, &body(n, "complete", 9)).await.0 });
    }
    while let Some(status) = posts.join_next().await {
        assert_eq!(status.unwrap(), 202);
    }
    receiver.wait_for(3).await;
    a.kill();
    let _b = Node::start(&db, &flags);
    // B takes the hook when A's claim runs out, and sends the rest; what A sent without
    // recording it is sent again, with the same webhook-id.
    wait_delivered(&db, 20).await;
    let mut ids: HashMap<String, Vec<String>> = HashMap::new();
    for request in receiver.received() {
        let answer = request.json()["data"]["id"].as_str().unwrap().to_owned();
        ids.entry(answer)
            .or_default()
            .push(request.header("webhook-id").to_owned());
    }
    assert_eq!(ids.len(), 20, "every answer's event arrived");
    for (answer, webhook_ids) in &ids {
        assert!(
            webhook_ids.iter().all(|id| id == &webhook_ids[0]),
            "{answer} sent under different ids: {webhook_ids:?}"
        );
    }
    assert_eq!(receiver.most_at_once.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_load_loses_no_acknowledged_answer() {
    const ANSWERS: u32 = 2_000;
    const CLIENTS: u32 = 20;
    let db = postgres::fresh_database().await;
    let a = Arc::new(tokio::sync::Mutex::new(Node::start(&db, &[])));
    let b = Node::start(&db, &[]);
    let a_addr = a.lock().await.addr.clone();
    let addrs = Arc::new([a_addr, b.addr.clone()]);
    let acknowledged = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let (addrs, acknowledged) = (addrs.clone(), acknowledged.clone());
        clients.push(tokio::spawn(async move {
            let mut failures = 0;
            for n in (client..ANSWERS).step_by(CLIENTS as usize) {
                let addrs = [addrs[0].as_str(), addrs[1].as_str()];
                let (status, failed) = deliver(&addrs, n as usize, &body(n, "complete", 8)).await;
                assert_eq!(status, 202, "answer {n}");
                failures += failed.len();
                acknowledged.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            failures
        }));
    }
    // Midway, node A is killed; its clients' next tries go to B.
    let start = Instant::now();
    while acknowledged.load(std::sync::atomic::Ordering::SeqCst) < ANSWERS / 2 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the load stalled"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    a.lock().await.kill();
    let mut failures = 0;
    for client in clients {
        failures += client.await.unwrap();
    }
    assert!(failures > 0, "no request met the killed node");
    let answers = stored(&db).await;
    assert_eq!(answers.len(), ANSWERS as usize);
    for n in 0..ANSWERS {
        let (kind, complete, score, _) = &answers[&answer_id(n)];
        assert_eq!(
            (kind.as_str(), *complete, *score),
            ("response", true, Some(8))
        );
    }
}
