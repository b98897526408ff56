//! The shared conformance suite against a fresh SQLite file, plus the writer's
//! group commit under concurrency: many concurrent writes all commit, and a
//! failing write in a batch fails alone.

use std::sync::Arc;

use portico_store::crm::LEAD;
use portico_store::{FieldValue, NewUser, RecordStore, RecordWrite, StoreError, UserStore};
use portico_store_sqlite::{SqliteOptions, SqliteStore};

fn fresh() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store =
        SqliteStore::open(&dir.path().join("portico.db"), SqliteOptions::default()).expect("open");
    (dir, store)
}

fn user(login: &str) -> NewUser {
    NewUser {
        login: login.to_owned(),
        name: "N".to_owned(),
        last_name: "L".to_owned(),
        email: String::new(),
        is_admin: false,
        password_hash: "h".to_owned(),
        date_register: 0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance() {
    let (_dir, store) = fresh();
    portico_store::conformance::run_all(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_exclusive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = SqliteOptions {
        exclusive: true,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open(&dir.path().join("portico.db"), opts).expect("open");
    portico_store::conformance::run_all(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_inserts_all_commit() {
    let (_dir, store) = fresh();
    let title = LEAD.index_of("TITLE").expect("TITLE");
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let values = vec![(title, FieldValue::Text(format!("lead {i}")))];
                (
                    i,
                    store
                        .insert_record(&LEAD, RecordWrite::values(values))
                        .await,
                )
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        let (i, result) = task.await.expect("task");
        ids.push((i, result.expect("insert")));
    }
    let mut distinct: Vec<i64> = ids.iter().map(|(_, id)| *id).collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 200);
    for (i, id) in ids {
        let record = store
            .get_record(&LEAD, id)
            .await
            .expect("get")
            .expect("committed");
        assert_eq!(record.values[title], FieldValue::Text(format!("lead {i}")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_write_fails_alone_in_its_batch() {
    let (_dir, store) = fresh();
    store.insert_user(user("taken")).await.expect("first");
    // Enough concurrent writes that several share a batch with the bad one.
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let store = store.clone();
            let login = if i == 31 {
                "taken".to_owned()
            } else {
                format!("user{i}")
            };
            tokio::spawn(async move { (i, store.insert_user(user(&login)).await) })
        })
        .collect();
    for task in tasks {
        match task.await.expect("task") {
            (31, Err(StoreError::Conflict(name))) => assert_eq!(name, "users_login"),
            (31, other) => panic!("duplicate login: {other:?}"),
            (i, Ok(id)) => {
                let u = store.user_by_id(id).await.expect("get").expect("committed");
                assert_eq!(u.login, format!("user{i}"));
            }
            (i, Err(e)) => panic!("user{i} failed: {e}"),
        }
    }
    assert_eq!(store.list_users().await.expect("list").len(), 64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_survive_close_and_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("portico.db");
    let store = SqliteStore::open(&path, SqliteOptions::default()).expect("open");
    assert_eq!(store.path(), path.as_path());
    let clone = store.clone();
    let pending = tokio::spawn(async move { clone.insert_user(user("late")).await });
    let id = pending.await.expect("task").expect("insert");
    store.close();
    let store = SqliteStore::open(
        &path,
        SqliteOptions {
            synchronous_full: false,
            read_connections: 1,
            exclusive: true,
        },
    )
    .expect("reopen");
    assert_eq!(
        store.user_by_id(id).await.expect("get").map(|u| u.login),
        Some("late".to_owned())
    );
    let shared = Arc::new(store);
    assert_eq!(shared.list_users().await.expect("list").len(), 1);
}
