//! Lists keep their answers while writes interleave with paging: every page
//! and `total` the store returns — with its remembered totals and keyset
//! continuation of sequential pages — equals the plain `LIMIT`/`OFFSET` and
//! `COUNT(*)` queries run on the same data through a separate connection.
//! Random operations from fixed seeds (so a failure repeats): inserts, updates
//! and deletes (fields, phones), sequential walks with writes between pages,
//! random jumps, several filters and orders (NULLs and ties included).

use portico_protocol::filter::FilterOp;
use portico_store::crm::LEAD;
use portico_store::list::{build_count, build_select};
use portico_store::{
    Condition, Direction, FieldValue, ListQuery, MultiFieldChange, MultiType, OrderKey,
    RecordStore, RecordWrite,
};
use portico_store_sqlite::{SqliteOptions, SqliteStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, OpenFlags};
use sea_query::SqliteQueryBuilder;
use sea_query_rusqlite::RusqliteBinder;

fn pos(name: &str) -> usize {
    LEAD.index_of(name).expect("lead field")
}

/// Random lead values; titles and amounts repeat and are sometimes NULL, so
/// orders meet ties and NULLs.
fn random_values(rng: &mut StdRng) -> Vec<(usize, FieldValue)> {
    let title = match rng.gen_range(0..6) {
        0 => FieldValue::Null,
        n => FieldValue::Text(format!(
            "Lead {}",
            ["a", "B", "c", "alpha", "Alpha beta"][n - 1]
        )),
    };
    let amount = if rng.gen_bool(0.15) {
        FieldValue::Null
    } else {
        FieldValue::Float(f64::from(rng.gen_range(0..20)) * 100.0)
    };
    let status = if rng.gen_bool(0.7) {
        "NEW"
    } else {
        "IN_PROCESS"
    };
    vec![
        (pos("TITLE"), title),
        (pos("OPPORTUNITY"), amount),
        (pos("STATUS_ID"), FieldValue::Text(status.to_owned())),
    ]
}

fn random_phones(rng: &mut StdRng) -> Vec<MultiFieldChange> {
    (0..rng.gen_range(0..2))
        .map(|_| MultiFieldChange::Add {
            kind: MultiType::Phone,
            value_type: "WORK".to_owned(),
            value: format!("+1555{}", rng.gen_range(0..5)),
        })
        .collect()
}

fn random_filter(rng: &mut StdRng) -> Vec<Condition> {
    let field = |name: &str, op, v: FieldValue| Condition::Field {
        field: pos(name),
        op,
        values: vec![v],
    };
    match rng.gen_range(0..6) {
        0 => vec![],
        1 => vec![field(
            "STATUS_ID",
            FilterOp::Eq,
            FieldValue::Text("NEW".into()),
        )],
        2 => vec![
            field("OPPORTUNITY", FilterOp::Gt, FieldValue::Int(500)),
            field("STATUS_ID", FilterOp::Eq, FieldValue::Text("NEW".into())),
        ],
        3 => vec![field(
            "TITLE",
            FilterOp::Like,
            FieldValue::Text("alpha".into()),
        )],
        4 => vec![Condition::Multi {
            kind: MultiType::Phone,
            op: FilterOp::Eq,
            values: vec![FieldValue::Text("+15551".into())],
        }],
        _ => vec![Condition::Any(vec![
            field("TITLE", FilterOp::Eq, FieldValue::Null),
            field("OPPORTUNITY", FilterOp::Lt, FieldValue::Int(300)),
        ])],
    }
}

fn random_order(rng: &mut StdRng) -> Vec<(OrderKey, Direction)> {
    let key = |name: &str, dir| (OrderKey::Field(pos(name)), dir);
    match rng.gen_range(0..8) {
        0 => vec![],
        1 => vec![key("ID", Direction::Desc)],
        2 => vec![key("TITLE", Direction::Asc)],
        3 => vec![key("TITLE", Direction::Desc)],
        4 => vec![key("OPPORTUNITY", Direction::Asc)],
        5 => vec![key("OPPORTUNITY", Direction::Desc)],
        6 => vec![key("DATE_MODIFY", Direction::Desc)],
        _ => vec![
            key("TITLE", Direction::Asc),
            key("OPPORTUNITY", Direction::Desc),
        ],
    }
}

/// The page's ids and total by the plain queries, on a separate connection.
fn plain(conn: &Connection, q: &ListQuery) -> (Vec<i64>, Option<u64>) {
    let (text, values) = build_select(&LEAD, q).build_rusqlite(SqliteQueryBuilder);
    let mut stmt = conn.prepare(&text).expect("prepare page");
    let ids = stmt
        .query_map(&*values.as_params(), |row| row.get::<_, i64>(0))
        .expect("page")
        .collect::<Result<Vec<_>, _>>()
        .expect("ids");
    let total = q.count_total.then(|| {
        let (text, values) = build_count(&LEAD, q).build_rusqlite(SqliteQueryBuilder);
        let n: i64 = conn
            .query_row(&text, &*values.as_params(), |row| row.get(0))
            .expect("count");
        n as u64
    });
    (ids, total)
}

struct World {
    store: SqliteStore,
    oracle: Connection,
    ids: Vec<i64>,
    rng: StdRng,
}

impl World {
    async fn write(&mut self) {
        let rng = &mut self.rng;
        match rng.gen_range(0..4) {
            0 | 1 => {
                let write = RecordWrite {
                    values: random_values(rng),
                    multi: random_phones(rng),
                    ..RecordWrite::default()
                };
                let id = self
                    .store
                    .insert_record(&LEAD, write)
                    .await
                    .expect("insert");
                self.ids.push(id);
            }
            2 if !self.ids.is_empty() => {
                let id = self.ids[rng.gen_range(0..self.ids.len())];
                let mut values = random_values(rng);
                values.truncate(rng.gen_range(1..=3));
                values.push((pos("DATE_MODIFY"), FieldValue::Int(rng.gen_range(0..50))));
                let write = RecordWrite {
                    values,
                    multi: random_phones(rng),
                    ..RecordWrite::default()
                };
                self.store
                    .update_record(&LEAD, id, write)
                    .await
                    .expect("update");
            }
            _ if !self.ids.is_empty() => {
                let id = self.ids.swap_remove(rng.gen_range(0..self.ids.len()));
                self.store
                    .delete_record(&LEAD, id, None)
                    .await
                    .expect("delete");
            }
            _ => {}
        }
    }

    async fn check(&self, q: &ListQuery, what: &str) {
        let page = self.store.list_records(&LEAD, q).await.expect("list");
        let got: Vec<i64> = page.records.iter().map(|r| r.id).collect();
        let want = plain(&self.oracle, q);
        assert_eq!((got, page.total), want, "{what}: {q:?}");
    }
}

async fn run_seed(seed: u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("portico.db");
    let store = SqliteStore::open(&path, SqliteOptions::default()).expect("open");
    let oracle = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("oracle connection");
    let mut world = World {
        store,
        oracle,
        ids: Vec::new(),
        rng: StdRng::seed_from_u64(seed),
    };
    for _ in 0..150 {
        world.write().await;
    }
    for round in 0..40 {
        let mut q = ListQuery {
            conditions: random_filter(&mut world.rng),
            order: random_order(&mut world.rng),
            offset: 0,
            limit: world.rng.gen_range(3..12),
            count_total: world.rng.gen_bool(0.8),
            with_multi: false,
            with_uf: false,
        };
        // A sequential walk to the end, sometimes writing between pages, and
        // sometimes asking the same page twice.
        loop {
            world
                .check(&q, &format!("seed {seed} round {round} walk"))
                .await;
            if world.rng.gen_bool(0.15) {
                world.write().await;
                world.check(&q, "same page after a write").await;
            }
            if q.offset > 400 {
                break;
            }
            let before = world.store.list_records(&LEAD, &q).await.expect("list");
            if before.records.len() < q.limit as usize {
                break;
            }
            q.offset += q.limit;
        }
        // Jumps forward and back, near and beyond remembered page ends.
        for _ in 0..5 {
            q.offset = world.rng.gen_range(0..(world.ids.len() as u64 + 5));
            world.check(&q, "jump").await;
            if world.rng.gen_bool(0.3) {
                world.write().await;
            }
        }
        for _ in 0..world.rng.gen_range(0..10) {
            world.write().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_totals_equal_the_plain_queries_while_writes_interleave() {
    for seed in 1..=6 {
        run_seed(seed).await;
    }
}
