//! PostgreSQL stopped for 10 s under load: two collectors answer `503` with `Retry-After`
//! meanwhile, the widget-style retries carry every answer through, and the collectors recover
//! without a restart, hook deliveries included. (A test binary of its own: it stops the cluster its tests share.)

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::hooks::{answer_id, body, Receiver};
use common::nodes::{deliver, request, wait_delivered, Node};
use common::postgres;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_is_stored_across_ten_seconds_without_the_database() {
    const ANSWERS: u32 = 600;
    const CLIENTS: u32 = 10;
    let db = postgres::fresh_database().await;
    let flags = ["--allow-private-hooks"];
    let (a, b) = (Node::start(&db, &flags), Node::start(&db, &flags));
    let receiver = Receiver::ok().await;
    let hook = json!({ "name": "CRM", "url": receiver.url, "format": "webhook",
                       "events": ["response.completed"] });
    let created = request(&a.addr, "POST", "/v1/hooks", Some(&hook), true)
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{:?}", created.body);
    let addrs = Arc::new([a.addr.clone(), b.addr.clone()]);
    let acknowledged = Arc::new(AtomicU32::new(0));
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let (addrs, acknowledged) = (addrs.clone(), acknowledged.clone());
        clients.push(tokio::spawn(async move {
            let mut refused = Vec::new();
            for n in (client..ANSWERS).step_by(CLIENTS as usize) {
                let addrs = [addrs[0].as_str(), addrs[1].as_str()];
                let (status, failed) = deliver(&addrs, n as usize, &body(n, "complete", 2)).await;
                assert_eq!(status, 202, "answer {n}");
                refused.extend(failed);
                acknowledged.fetch_add(1, Ordering::SeqCst);
                // About 100 answers a second in all: the outage falls in the middle.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            refused
        }));
    }
    let start = Instant::now();
    while acknowledged.load(Ordering::SeqCst) < 100 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the load stalled"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    postgres::stop();
    // Meanwhile both collectors say they cannot store, and when to try again, in the time
    // they give a connection to come (5 s to wait for one, 5 s to make one).
    for addr in addrs.iter() {
        let asked = Instant::now();
        let reply = request(
            addr,
            "POST",
            "/v1/responses",
            Some(&body(ANSWERS, "display", 0)),
            false,
        )
        .await
        .unwrap();
        assert!(
            asked.elapsed() < Duration::from_secs(11),
            "{:?}",
            asked.elapsed()
        );
        assert_eq!(reply.status, 503, "{:?}", reply.body);
        assert_eq!(reply.retry_after.as_deref(), Some("5"));
        let reply = request(addr, "GET", "/v1/eligibility?userId=u_1", None, false)
            .await
            .unwrap();
        assert_eq!(reply.status, 503, "{:?}", reply.body);
    }
    let during = acknowledged.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(10)).await;
    postgres::start_again();
    let mut refused = Vec::new();
    for client in clients {
        refused.extend(client.await.unwrap());
    }
    assert!(
        refused.iter().all(|status| *status == Some(503)),
        "only 503s while the database was away: {refused:?}"
    );
    assert!(refused.len() >= CLIENTS as usize, "{refused:?}");
    eprintln!(
        "{during} answers stored before the outage, {} refused tries during it",
        refused.len()
    );

    let (client, connection) = tokio_postgres::connect(&db, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let ids: Vec<String> = client
        .query("SELECT id FROM responses WHERE complete", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(ids.len(), ANSWERS as usize);
    for n in 0..ANSWERS {
        assert!(ids.contains(&answer_id(n)), "answer {n} is missing");
    }
    // And the hook's deliveries go out once the database is back, one per answer.
    wait_delivered(&db, i64::from(ANSWERS)).await;
    let mut sent: Vec<String> = receiver
        .received()
        .iter()
        .map(|request| request.json()["data"]["id"].as_str().unwrap().to_owned())
        .collect();
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), ANSWERS as usize);
}
