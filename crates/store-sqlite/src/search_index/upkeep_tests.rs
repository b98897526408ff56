//! The index on a real database file: it follows every insert, change and
//! delete; the store's list queries search it (and scan for needles most
//! records contain); the query plans of substring and duplicate searches.

use portico_protocol::filter::FilterOp;
use portico_store::crm::{DEAL, LEAD};
use portico_store::list::build_select_with;
use portico_store::{EntityDef, FieldValue, RecordStore, RecordWrite};
use rusqlite::Connection;
use sea_query::SqliteQueryBuilder;
use sea_query_rusqlite::RusqliteBinder;

use super::tests::{like, pos, query, reader, store};
use super::*;
use crate::connection::{open, Role};
use crate::test_support::{migrated, plan};
use crate::{SqliteOptions, SqliteStore};

/// A needle most records contain is scanned for; a rare one is looked up.
#[test]
fn list_queries_scan_for_needles_most_records_contain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut conn = migrated(dir.path());
    let tx = conn.transaction().expect("tx");
    for i in 1..=1200 {
        tx.execute(
            "INSERT INTO crm_leads (title) VALUES (?1)",
            [format!("Lead {i}")],
        )
        .expect("insert");
    }
    tx.commit().expect("commit");
    let probing = SearchIndex::probing(&conn);
    let title = pos(&LEAD, "TITLE");
    assert!(probing.narrow(&LEAD, title, "%LEAD%").is_none());
    assert!(probing.narrow(&LEAD, title, "%lead 77%").is_some());
    assert!(
        probing.narrow(&LEAD, title, "%lead 1%").is_some(),
        "312 of 1,200"
    );
    assert!(SearchIndex::always()
        .narrow(&LEAD, title, "%LEAD%")
        .is_some());
}

#[test]
fn only_indexed_columns_are_narrowed() {
    let title = SearchIndex::always().narrow(&LEAD, pos(&LEAD, "TITLE"), "%abc%");
    assert!(title.is_some());
    assert!(SearchIndex::always()
        .narrow(&LEAD, pos(&LEAD, "COMMENTS"), "%abc%")
        .is_none());
    assert!(SearchIndex::always()
        .narrow(&portico_store::users::USER, 1, "%abc%")
        .is_none());
}

/// The ids the index itself holds for `phrase` in `column` of `index`.
fn in_index(conn: &Connection, index: &str, column: &str, phrase: &str) -> Vec<i64> {
    let sql = format!("SELECT rowid FROM {index} WHERE {index} MATCH ?1 ORDER BY rowid");
    let mut stmt = conn.prepare(&sql).expect("prepare");
    let query = format!("{{{column}}} : \"{phrase}\"");
    stmt.query_map([query], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// Ids of `entity`'s records whose `field` contains `needle`, through the
/// store's own list query.
async fn listed(
    store: &SqliteStore,
    entity: &'static EntityDef,
    field: &str,
    needle: &str,
) -> Vec<i64> {
    let q = query(vec![like(entity, field, FilterOp::Like, needle)]);
    let page = store.list_records(entity, &q).await.expect("list");
    page.records.iter().map(|r| r.id).collect()
}

fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_follows_inserts_changes_and_deletes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path());
    let conn = reader(dir.path());
    let write = |values: Vec<(usize, FieldValue)>| RecordWrite {
        values,
        ..RecordWrite::default()
    };
    let lead = store
        .insert_record(
            &LEAD,
            write(vec![
                (pos(&LEAD, "TITLE"), text("Alpha CENTAURI")),
                (pos(&LEAD, "NAME"), text("Ёжик")),
            ]),
        )
        .await
        .expect("insert");
    let deal = store
        .insert_record(&DEAL, write(vec![(pos(&DEAL, "TITLE"), text("Big Deal"))]))
        .await
        .expect("insert deal");
    assert_eq!(
        in_index(&conn, "crm_leads_search", "title", "centauri"),
        [lead]
    );
    assert_eq!(in_index(&conn, "crm_leads_search", "name", "ёжик"), [lead]);
    assert_eq!(
        in_index(&conn, "crm_deals_search", "title", "big deal"),
        [deal]
    );
    assert_eq!(listed(&store, &LEAD, "TITLE", "Centauri").await, [lead]);

    let title = vec![(pos(&LEAD, "TITLE"), text("Beta Orionis"))];
    assert!(store
        .update_record(&LEAD, lead, write(title))
        .await
        .expect("update"));
    assert_eq!(
        in_index(&conn, "crm_leads_search", "title", "centauri"),
        Vec::<i64>::new()
    );
    assert_eq!(
        in_index(&conn, "crm_leads_search", "title", "orionis"),
        [lead]
    );
    assert_eq!(
        in_index(&conn, "crm_leads_search", "name", "ёжик"),
        [lead],
        "other columns kept"
    );
    assert_eq!(
        listed(&store, &LEAD, "TITLE", "centauri").await,
        Vec::<i64>::new()
    );
    assert_eq!(listed(&store, &LEAD, "TITLE", "ORION").await, [lead]);

    let other = vec![(pos(&LEAD, "STATUS_ID"), text("IN_PROCESS"))];
    assert!(store
        .update_record(&LEAD, lead, write(other))
        .await
        .expect("update"));
    assert_eq!(
        in_index(&conn, "crm_leads_search", "title", "orionis"),
        [lead]
    );

    assert!(store
        .delete_record(&LEAD, lead, None)
        .await
        .expect("delete"));
    assert_eq!(
        in_index(&conn, "crm_leads_search", "title", "orionis"),
        Vec::<i64>::new()
    );
    assert_eq!(
        in_index(&conn, "crm_leads_search", "name", "ёжик"),
        Vec::<i64>::new()
    );
    assert_eq!(
        listed(&store, &LEAD, "TITLE", "orionis").await,
        Vec::<i64>::new()
    );
}

/// The store's list query searches the index: a record the index does not
/// hold is not found by a long needle (the `LIKE` alone would find it), and is
/// by a short one (which scans).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_queries_go_through_the_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path());
    let title = vec![(pos(&LEAD, "TITLE"), text("Hidden Treasure"))];
    let lead = store
        .insert_record(
            &LEAD,
            RecordWrite {
                values: title,
                ..RecordWrite::default()
            },
        )
        .await
        .expect("insert");
    assert_eq!(listed(&store, &LEAD, "TITLE", "treasure").await, [lead]);
    let writer = open(
        &dir.path().join("search.db"),
        Role::Writer,
        &SqliteOptions::default(),
    )
    .expect("open writer");
    writer
        .execute("DELETE FROM crm_leads_search WHERE rowid = ?1", [lead])
        .expect("forget");
    assert_eq!(
        listed(&store, &LEAD, "TITLE", "treasure").await,
        Vec::<i64>::new()
    );
    assert_eq!(listed(&store, &LEAD, "TITLE", "tr").await, [lead]);
}

#[test]
fn substring_and_duplicate_searches_use_their_indexes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conn = migrated(dir.path());
    let mut q = query(vec![like(&LEAD, "TITLE", FilterOp::Like, "Lead 12345")]);
    q.limit = 50;
    let (text, values) =
        portico_store::list::build_count_with(&LEAD, &q, Some(&SearchIndex::always()))
            .build_rusqlite(SqliteQueryBuilder);
    let p = plan(&conn, &text, &*values.as_params());
    assert!(
        p.contains("SEARCH crm_leads USING INTEGER PRIMARY KEY (rowid=?)"),
        "{p}"
    );
    assert!(p.contains("SCAN crm_leads_search VIRTUAL TABLE"), "{p}");
    assert!(!p.contains("SCAN crm_leads "), "{p}");
    let (text, values) = build_select_with(&LEAD, &q, Some(&SearchIndex::always()))
        .build_rusqlite(SqliteQueryBuilder);
    let p = plan(&conn, &text, &*values.as_params());
    assert!(
        p.contains("SEARCH crm_leads USING INTEGER PRIMARY KEY (rowid=?)"),
        "{p}"
    );

    let p = plan(
        &conn,
        crate::duplicates::OWNERS_BY_KEY,
        rusqlite::params!["LEAD", "PHONE", "[\"15558880011\"]"],
    );
    assert!(p.contains("USING COVERING INDEX crm_multifields_comm_key (entity=? AND type_id=? AND value_key=?)"), "{p}");
}
