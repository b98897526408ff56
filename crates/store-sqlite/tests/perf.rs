//! Rough performance checks, ignored by default; run with
//! `cargo test --release -p portico-store-sqlite --test perf -- --ignored --nocapture --test-threads 1`.
//! Targets: a point read of a lead in a few microseconds; at least 5,000
//! committed inserts per second under concurrency (synchronous=FULL).
//! `PERF_VFS=unix-excl` measures with `SqliteOptions::exclusive` (and the raw
//! baseline through the same VFS); `PERF_N` / `PERF_READS` change the counts.

use std::time::Instant;

use portico_store::crm::LEAD;
use portico_store::{FieldValue, MultiFieldChange, MultiType, RecordStore, RecordWrite, UserStore};
use portico_store_sqlite::{SqliteOptions, SqliteStore};

fn lead_values(i: usize) -> Vec<(usize, FieldValue)> {
    let p = |n: &str| LEAD.index_of(n).expect("field");
    vec![
        (p("TITLE"), FieldValue::Text(format!("Lead {i}"))),
        (p("NAME"), FieldValue::Text("Ann".to_owned())),
        (p("STATUS_ID"), FieldValue::Text("NEW".to_owned())),
        (p("OPPORTUNITY"), FieldValue::Float(1000.0 + i as f64)),
        (p("ASSIGNED_BY_ID"), FieldValue::Int(1)),
        (p("DATE_CREATE"), FieldValue::Int(1_700_000_000)),
    ]
}

fn phone(v: &str) -> MultiFieldChange {
    MultiFieldChange::Add {
        kind: MultiType::Phone,
        value_type: "WORK".to_owned(),
        value: v.to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "performance check; run in release"]
async fn point_reads_and_concurrent_inserts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = SqliteOptions {
        exclusive: std::env::var("PERF_VFS").is_ok_and(|v| v == "unix-excl"),
        ..SqliteOptions::default()
    };
    println!("exclusive: {}", opts.exclusive);
    let store = SqliteStore::open(&dir.path().join("perf.db"), opts).expect("open");

    let n: usize = std::env::var("PERF_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let tasks = 64;
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in (t..n).step_by(tasks) {
                    store
                        .insert_record(
                            &LEAD,
                            RecordWrite {
                                values: lead_values(i),
                                multi: vec![phone("+1 555")],
                                ..RecordWrite::default()
                            },
                        )
                        .await
                        .expect("insert");
                }
            })
        })
        .collect();
    for h in handles {
        h.await.expect("task");
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{n} inserts from {tasks} tasks: {:.0}/s", n as f64 / secs);

    let start = Instant::now();
    for i in 0..2_000 {
        store
            .insert_user(portico_store::NewUser {
                login: format!("u{i}"),
                name: String::new(),
                last_name: String::new(),
                email: String::new(),
                is_admin: false,
                password_hash: "h".to_owned(),
                date_register: 0,
            })
            .await
            .expect("user");
    }
    println!(
        "2000 sequential inserts: {:.0}/s",
        2000.0 / start.elapsed().as_secs_f64()
    );

    let reads: usize = std::env::var("PERF_READS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let start = Instant::now();
    for i in 0..reads {
        let id = (i % n) as i64 + 1;
        let r = store
            .get_record(&LEAD, id)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(r.multi.len(), 1);
    }
    println!(
        "get_record: {:.2} µs",
        start.elapsed().as_secs_f64() * 1e6 / reads as f64
    );

    let start = Instant::now();
    for i in 0..reads {
        store
            .user_by_id((i % 2000) as i64 + 1)
            .await
            .expect("user")
            .expect("exists");
    }
    println!(
        "user_by_id: {:.2} µs",
        start.elapsed().as_secs_f64() * 1e6 / reads as f64
    );
}

#[test]
#[ignore = "performance check; run in release"]
fn raw_sqlite_baseline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("raw.db");
    drop(SqliteStore::open(&path, SqliteOptions::default()).expect("open"));
    let vfs = std::env::var("PERF_VFS").unwrap_or_else(|_| "unix".to_owned());
    let flags = rusqlite::OpenFlags::default();
    let conn =
        rusqlite::Connection::open_with_flags_and_vfs(&path, flags, vfs.as_str()).expect("raw");
    let conn2 =
        rusqlite::Connection::open_with_flags_and_vfs(&path, flags, vfs.as_str()).expect("raw2");
    conn.execute_batch("PRAGMA journal_mode=WAL; BEGIN;")
        .expect("begin");
    for i in 0..2000 {
        conn.execute(
            "INSERT INTO users (login, name, last_name, email, password_hash, date_register) VALUES (?1, '', '', '', 'h', 0)",
            [format!("u{i}")],
        )
        .expect("insert");
    }
    conn.execute_batch("COMMIT").expect("commit");
    let n: i64 = conn2
        .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
        .expect("second connection");
    assert_eq!(n, 2000);
    let reads = 200_000;
    let start = Instant::now();
    for _ in 0..reads {
        let one: i64 = conn
            .prepare_cached("SELECT 1")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .expect("1");
        assert_eq!(one, 1);
    }
    println!(
        "raw SELECT 1 (no table): {:.2} µs",
        start.elapsed().as_secs_f64() * 1e6 / reads as f64
    );
    for label in ["cached", "cached+tx"] {
        let start = Instant::now();
        for i in 0..reads {
            if label == "cached+tx" {
                conn.prepare_cached("BEGIN")
                    .and_then(|mut s| s.execute([]))
                    .expect("b");
            }
            let mut stmt = conn
                .prepare_cached("SELECT u.id, u.login, u.name, u.last_name, u.email, u.is_admin, u.active, u.password_hash, u.date_register FROM users u WHERE u.id = ?1")
                .expect("prepare");
            let login: String = stmt
                .query_row([(i % 2000) as i64 + 1], |r| r.get(1))
                .expect("row");
            assert!(!login.is_empty());
            if label == "cached+tx" {
                conn.prepare_cached("COMMIT")
                    .and_then(|mut s| s.execute([]))
                    .expect("c");
            }
        }
        println!(
            "raw {label}: {:.2} µs",
            start.elapsed().as_secs_f64() * 1e6 / reads as f64
        );
    }
}
