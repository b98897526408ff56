//! Another connection on the same file — a `portico` administration command
//! beside a running server — may change the schema: closing a store runs
//! `PRAGMA optimize`, which can create SQLite's statistics tables. The running
//! store reloads the schema on its next statement; its first writes to every
//! CRM table (insert, update, delete, each through its triggers) must work on.

use portico_store::crm::{COMPANY, CONTACT, DEAL, LEAD};
use portico_store::{EntityDef, FieldValue, ListQuery, RecordStore, RecordWrite};
use portico_store_sqlite::{SqliteOptions, SqliteStore};

fn titled(entity: &EntityDef, text: &str) -> RecordWrite {
    let field = entity
        .index_of("TITLE")
        .or_else(|| entity.index_of("NAME"))
        .expect("a text field");
    RecordWrite {
        values: vec![(field, FieldValue::Text(text.to_owned()))],
        ..RecordWrite::default()
    }
}

/// Changes the schema from another connection, as another process would.
fn change_schema_elsewhere(path: &std::path::Path, n: usize) {
    let other = rusqlite::Connection::open(path).expect("other connection");
    other
        .execute_batch(&format!(
            "CREATE TABLE elsewhere_{n} (x); DROP TABLE elsewhere_{n};"
        ))
        .expect("schema change");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_writes_after_a_schema_change_elsewhere_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("portico.sqlite3");
    let store = SqliteStore::open(&path, SqliteOptions::default()).expect("open");
    let mut changes = 0;
    for entity in [&LEAD, &CONTACT, &COMPANY, &DEAL] {
        changes += 1;
        change_schema_elsewhere(&path, changes);
        let id = store
            .insert_record(entity, titled(entity, "first"))
            .await
            .unwrap_or_else(|e| panic!("{} insert: {e}", entity.code));
        changes += 1;
        change_schema_elsewhere(&path, changes);
        store
            .update_record(entity, id, titled(entity, "changed"))
            .await
            .unwrap_or_else(|e| panic!("{} update: {e}", entity.code));
        changes += 1;
        change_schema_elsewhere(&path, changes);
        let q = ListQuery {
            conditions: vec![],
            order: vec![],
            offset: 0,
            limit: 50,
            count_total: true,
            with_multi: false,
            with_uf: false,
        };
        let page = store
            .list_records(entity, &q)
            .await
            .unwrap_or_else(|e| panic!("{} list: {e}", entity.code));
        assert_eq!(page.total, Some(1), "{}", entity.code);
        changes += 1;
        change_schema_elsewhere(&path, changes);
        store
            .delete_record(entity, id, None)
            .await
            .unwrap_or_else(|e| panic!("{} delete: {e}", entity.code));
    }
    // And after a store closed on the same file (`PRAGMA optimize`).
    let command = SqliteStore::open(&path, SqliteOptions::default()).expect("second open");
    command
        .insert_record(&LEAD, titled(&LEAD, "from the command"))
        .await
        .expect("insert from the command");
    command.close();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    store
        .insert_record(&LEAD, titled(&LEAD, "after"))
        .await
        .expect("insert after the other store closed");
}
