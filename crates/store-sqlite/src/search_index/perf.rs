//! Figures of the search indexes, ignored by default; run with
//! `cargo test --release -p portico-store-sqlite --lib search_index::perf -- --ignored --nocapture`
//! (`PERF_LEADS` changes the number of leads, 200,000 by default). Leads as
//! `bench/seed.py` makes them (`Lead i`, `Name{i % 1000}`, one phone
//! `+1555{i:07}`). Prints the query plans, `COUNT(*)` of substring filters with
//! the plain `LIKE` and through the index, a first page with `total` through
//! the list runner (also the web UI's OR group), the index alone, duplicate
//! search, the indexes' sizes, and the cost of 10,000 inserts with and without
//! the triggers. Nothing is asserted on time.

use std::time::{Duration, Instant};

use portico_protocol::filter::FilterOp;
use portico_store::crm::LEAD;
use portico_store::list::{build_count, build_count_with};
use portico_store::{Condition, FieldValue, ListQuery, MultiType};
use rusqlite::{params, Connection};
use sea_query::{SelectStatement, SqliteQueryBuilder};
use sea_query_rusqlite::RusqliteBinder;

use super::SearchIndex;
use crate::connection::{open, Role};
use crate::entity_sql::EntitySql;
use crate::test_support::{plan, statement_plan};
use crate::SqliteOptions;

/// The scan duplicate search ran before `value_key`: entries whose value holds
/// the key's digits in order, then the key compared in Rust.
const PHONE_SCAN: &str = "SELECT owner_id, value FROM crm_multifields \
     WHERE entity = ?1 AND type_id = ?2 \
     AND EXISTS (SELECT 1 FROM json_each(?3) AS p WHERE crm_multifields.value LIKE p.value)";

/// The best of five runs of `f`, and its last result.
fn best<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut fastest = Duration::MAX;
    let mut out = None;
    for _ in 0..5 {
        let start = Instant::now();
        out = Some(f());
        fastest = fastest.min(start.elapsed());
    }
    (fastest, out.expect("ran"))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn title_like(needle: &str) -> ListQuery {
    ListQuery {
        conditions: vec![Condition::Field {
            field: LEAD.index_of("TITLE").expect("title"),
            op: FilterOp::Like,
            values: vec![FieldValue::Text(needle.to_owned())],
        }],
        order: vec![],
        offset: 0,
        limit: 50,
        count_total: true,
        with_multi: false,
        with_uf: false,
    }
}

fn count(conn: &Connection, statement: SelectStatement) -> i64 {
    let (text, values) = statement.build_rusqlite(SqliteQueryBuilder);
    let mut stmt = conn.prepare_cached(&text).expect("prepare");
    stmt.query_row(&*values.as_params(), |r| r.get(0))
        .expect("count")
}

/// Adds leads `from..to` as `bench/seed.py` does, in one transaction.
fn seed(conn: &Connection, from: usize, to: usize) {
    let tx = conn.unchecked_transaction().expect("tx");
    {
        let mut lead = tx
            .prepare_cached(
                "INSERT INTO crm_leads (title, name, status_id, opportunity, currency_id) \
                 VALUES (?1, ?2, ?3, ?4, 'USD')",
            )
            .expect("prepare");
        let mut phone = tx
            .prepare_cached(
                "INSERT INTO crm_multifields (entity, owner_id, type_id, value_type, value, value_key) \
                 VALUES ('LEAD', ?1, 'PHONE', 'WORK', ?2, portico_comm_key('PHONE', ?2))",
            )
            .expect("prepare");
        for i in from..to {
            let status = if i % 5 == 4 { "IN_PROCESS" } else { "NEW" };
            lead.execute(params![
                format!("Lead {i}"),
                format!("Name{}", i % 1000),
                status,
                (i * 7919) % 10000
            ])
            .expect("lead");
            phone
                .execute(params![tx.last_insert_rowid(), format!("+1555{i:07}")])
                .expect("phone");
        }
    }
    tx.commit().expect("commit");
}

/// MiB of the tables and indexes whose name matches the GLOB `names`.
fn size(conn: &Connection, names: &str) -> f64 {
    let bytes: i64 = conn
        .query_row(
            "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name GLOB ?1",
            [names],
            |r| r.get(0),
        )
        .expect("dbstat");
    bytes as f64 / (1024.0 * 1024.0)
}

/// 10,000 leads, one commit each, and the same in one transaction.
fn insert_costs(conn: &Connection, from: usize) -> (Duration, Duration) {
    let start = Instant::now();
    for i in from..from + 10_000 {
        conn.execute(
            "INSERT INTO crm_leads (title, name) VALUES (?1, ?2)",
            params![format!("Lead {i}"), format!("Name{}", i % 1000)],
        )
        .expect("insert");
    }
    let one_by_one = start.elapsed();
    let start = Instant::now();
    seed(conn, from + 10_000, from + 20_000);
    (one_by_one, start.elapsed())
}

#[test]
#[ignore = "performance figures; run in release"]
fn search_index_figures() {
    let n: usize = std::env::var("PERF_LEADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("perf.db");
    let opts = SqliteOptions {
        synchronous_full: false,
        ..SqliteOptions::default()
    };
    let mut conn = open(&path, Role::Writer, &opts).expect("open");
    crate::migrate::migrate(&mut conn).expect("migrate");
    let start = Instant::now();
    seed(&conn, 1, n + 1);
    println!(
        "seeded {n} leads with phones in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    conn.execute_batch("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("optimize");
    let reader = open(&path, Role::Reader, &opts).expect("reader");

    let q = title_like("Lead 12345");
    println!(
        "plan, indexed: {}",
        statement_plan(
            &reader,
            build_count_with(&LEAD, &q, Some(&SearchIndex::always()))
        )
    );
    println!(
        "plan, LIKE:    {}",
        statement_plan(&reader, build_count(&LEAD, &q))
    );
    // Needles from one record in 100,000 to every record.
    let needles = [
        "Lead 12345",
        "ead 199999",
        "d 5000",
        "ead 19",
        "ead 1",
        "ead",
    ];
    for needle in needles {
        let q = title_like(needle);
        let (like, a) = best(|| count(&reader, build_count(&LEAD, &q)));
        let (indexed, b) = best(|| {
            count(
                &reader,
                build_count_with(&LEAD, &q, Some(&SearchIndex::always())),
            )
        });
        assert_eq!(a, b, "{needle}");
        let (probing, c) = best(|| {
            count(
                &reader,
                build_count_with(&LEAD, &q, Some(&SearchIndex::probing(&reader))),
            )
        });
        assert_eq!(a, c, "{needle}");
        println!(
            "COUNT %TITLE {needle:?} = {a}: LIKE {}, index {}, index when selective {}",
            ms(like),
            ms(indexed),
            ms(probing)
        );
    }
    let sql = EntitySql::new(&LEAD);
    for needle in needles {
        let q = title_like(needle);
        let (page, result) =
            best(|| crate::list::list(&reader, &sql, &q, &Default::default()).expect("list"));
        println!(
            "first page with total, %TITLE {needle:?}: {} ({} rows, total {:?})",
            ms(page),
            result.records.len(),
            result.total
        );
    }
    let search = |needle: &str| {
        let field = |name: &str| Condition::Field {
            field: LEAD.index_of(name).expect("field"),
            op: FilterOp::Like,
            values: vec![FieldValue::Text(needle.to_owned())],
        };
        let mut q = title_like(needle);
        q.conditions = vec![Condition::Any(
            ["TITLE", "NAME", "LAST_NAME", "COMPANY_TITLE"]
                .into_iter()
                .map(field)
                .collect(),
        )];
        q
    };
    let q = search("Lead 12345");
    println!(
        "plan, UI search: {}",
        statement_plan(
            &reader,
            build_count_with(&LEAD, &q, Some(&SearchIndex::probing(&reader)))
        )
    );
    for needle in ["Lead 12345", "Name999", "ead"] {
        let q = search(needle);
        let (page, result) =
            best(|| crate::list::list(&reader, &sql, &q, &Default::default()).expect("list"));
        let (like, _) = best(|| count(&reader, build_count(&LEAD, &q)));
        println!(
            "UI search {needle:?}: first page with total {} (total {:?}); COUNT with LIKE {}",
            ms(page),
            result.total,
            ms(like)
        );
    }

    for query in [
        r#"{name} : "name999""#,
        r#"{title} : "name999""#,
        r#"{title} : "lead 12345""#,
    ] {
        let (took, n) = best(|| {
            reader
                .query_row(
                    "SELECT count(*) FROM crm_leads_search WHERE crm_leads_search MATCH ?1",
                    [query],
                    |r| r.get::<_, i64>(0),
                )
                .expect("match")
        });
        println!("index alone, {query}: {n} rows in {}", ms(took));
    }

    let keys: Vec<String> = (0..20)
        .map(|k| format!("1555{:07}", k * 9973 % n))
        .collect();
    let (indexed, found) =
        best(|| crate::duplicates::find(&reader, &LEAD, MultiType::Phone, &keys).expect("find"));
    let patterns: Vec<String> = keys
        .iter()
        .map(|k| {
            format!(
                "%{}%",
                k.chars().map(String::from).collect::<Vec<_>>().join("%")
            )
        })
        .collect();
    let json = serde_json::to_string(&patterns).expect("json");
    let (scan, _) = best(|| {
        let mut stmt = reader.prepare_cached(PHONE_SCAN).expect("prepare");
        let rows = stmt
            .query_map(params!["LEAD", "PHONE", json], |r| r.get::<_, i64>(0))
            .expect("scan");
        rows.count()
    });
    println!(
        "findbycomm, 20 phones ({} found): key index {}, former scan {}",
        found.len(),
        ms(indexed),
        ms(scan)
    );
    let p = plan(
        &reader,
        crate::duplicates::OWNERS_BY_KEY,
        params!["LEAD", "PHONE", "[]"],
    );
    println!("plan, findbycomm: {p}");

    println!(
        "sizes: crm_leads {:.1} MiB, crm_leads_search* {:.1} MiB, crm_multifields {:.1} MiB, \
         crm_multifields_comm_key {:.1} MiB, crm_multifields_type_lower_value {:.1} MiB",
        size(&reader, "crm_leads"),
        size(&reader, "crm_leads_search*"),
        size(&reader, "crm_multifields"),
        size(&reader, "crm_multifields_comm_key"),
        size(&reader, "crm_multifields_type_lower_value"),
    );

    let (one_by_one, batch) = insert_costs(&conn, n + 1);
    conn.execute_batch(
        "DROP TRIGGER crm_leads_after_insert; DROP TRIGGER crm_leads_after_update; \
         DROP TRIGGER crm_leads_after_delete",
    )
    .expect("drop triggers");
    let (one_by_one_bare, batch_bare) = insert_costs(&conn, n + 20_001);
    println!(
        "10,000 inserts, one commit each: {} with the trigger, {} without; \
         in one transaction (lead + phone): {} with, {} without",
        ms(one_by_one),
        ms(one_by_one_bare),
        ms(batch),
        ms(batch_bare)
    );
}
