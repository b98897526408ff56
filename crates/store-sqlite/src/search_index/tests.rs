//! The trigram path against the plain `LIKE` on a real database file: the same
//! ids for many needles over generated text; and how a pattern becomes an FTS5
//! query. The helpers here serve [`super::upkeep_tests`] too.

use std::path::Path;

use portico_protocol::filter::FilterOp;
use portico_store::crm::{COMPANY, CONTACT, DEAL, LEAD};
use portico_store::list::{build_select, build_select_with};
use portico_store::{
    Condition, EntityDef, FieldValue, ListQuery, RecordStore, RecordWrite, StoreError,
};
use rusqlite::Connection;
use sea_query::SqliteQueryBuilder;
use sea_query_rusqlite::RusqliteBinder;

use super::*;
use crate::connection::{open, Role};
use crate::{SqliteOptions, SqliteStore};

/// Pieces of generated text: mixed case, accents, Cyrillic, Greek, letters
/// whose lower case is longer (`İ`), LIKE and FTS5 syntax characters.
const PIECES: &[&str] = &[
    "Alpha",
    "ALPHA",
    "alpha",
    "Beta",
    "Gamma-Ray",
    "São Paulo",
    "SÃO",
    "Ünïcödé",
    "ÉCOLE",
    "école",
    "Привет",
    "ПРИВЕТ",
    "мир",
    "Ёжик",
    "ЁЖ",
    "ΟΔΟΣ",
    "Σίσυφος",
    "İstanbul",
    "STRASSE",
    "Straße",
    "50%",
    "100_000",
    "a\\b",
    "C:\\dir",
    "\"quoted\"",
    "say \"hi\"",
    "NEAR",
    "AND",
    "OR NOT",
    "col:umn",
    "{title}",
    "(x)",
    "*star",
    "^caret",
    "+plus",
    "-minus",
    "  ",
    "x",
    "ab",
    "Lead 12345",
    "ACME Ltd.",
    "acme",
    "O'Brien",
    "日本語テキスト",
    "emoji 🙂 ok",
];

/// A small deterministic generator (64-bit LCG), so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }

    /// NULL, empty, or one to three pieces joined by a space or nothing.
    fn text(&mut self) -> FieldValue {
        match self.next(12) {
            0 => FieldValue::Null,
            1 => FieldValue::Text(String::new()),
            _ => {
                let mut s = String::new();
                for i in 0..=self.next(3) {
                    if i > 0 && self.next(2) == 0 {
                        s.push(' ');
                    }
                    s.push_str(PIECES[self.next(PIECES.len())]);
                }
                FieldValue::Text(s)
            }
        }
    }
}

pub(super) fn pos(entity: &EntityDef, name: &str) -> usize {
    entity.index_of(name).expect("field")
}

/// A store on a real file, without waiting for the disk on every commit.
pub(super) fn store(dir: &Path) -> SqliteStore {
    let opts = SqliteOptions {
        synchronous_full: false,
        ..SqliteOptions::default()
    };
    SqliteStore::open(&dir.join("search.db"), opts).expect("open store")
}

/// Another connection to the store's file, as the store opens its readers.
pub(super) fn reader(dir: &Path) -> Connection {
    open(
        &dir.join("search.db"),
        Role::Reader,
        &SqliteOptions::default(),
    )
    .expect("open reader")
}

/// Adds `n` records of `entity` with generated text in `fields`.
async fn seed(
    store: &SqliteStore,
    rng: &mut Lcg,
    entity: &'static EntityDef,
    fields: &[&str],
    n: usize,
) -> Result<(), StoreError> {
    for _ in 0..n {
        let values = fields
            .iter()
            .map(|f| (pos(entity, f), rng.text()))
            .collect();
        store
            .insert_record(
                entity,
                RecordWrite {
                    values,
                    ..RecordWrite::default()
                },
            )
            .await?;
    }
    Ok(())
}

pub(super) fn query(conditions: Vec<Condition>) -> ListQuery {
    ListQuery {
        conditions,
        order: vec![],
        offset: 0,
        limit: u64::MAX,
        count_total: false,
        with_multi: false,
        with_uf: false,
    }
}

pub(super) fn like(entity: &EntityDef, field: &str, op: FilterOp, needle: &str) -> Condition {
    Condition::Field {
        field: pos(entity, field),
        op,
        values: vec![FieldValue::Text(needle.to_owned())],
    }
}

/// The ids `conditions` select on `entity`, with the index or without, and
/// whether the statement searched the index.
fn ids(
    conn: &Connection,
    entity: &EntityDef,
    conditions: Vec<Condition>,
    indexed: bool,
) -> (Vec<i64>, bool) {
    let q = query(conditions);
    let statement = if indexed {
        build_select_with(entity, &q, Some(&SearchIndex::always()))
    } else {
        build_select(entity, &q)
    };
    let (text, values) = statement.build_rusqlite(SqliteQueryBuilder);
    let mut stmt = conn.prepare(&text).expect("prepare");
    let ids = stmt
        .query_map(&*values.as_params(), |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    (ids, text.contains(" MATCH "))
}

/// Needles: cut out of the generated pieces (and upper-cased), plus the
/// awkward ones.
fn needles(rng: &mut Lcg) -> Vec<String> {
    let mut out: Vec<String> = [
        "\"",
        "\"\"",
        "i \"h",
        "%",
        "50%",
        "_",
        "0_0",
        "\\",
        "a\\b",
        "\\dir",
        "ß",
        "SS",
        "strasse",
        "İs",
        "i̇st",
        "ΟΣ",
        "οσ",
        "ος",
        "ΔΟΣ",
        "ёж",
        "ЁЖИК",
        "привет мир",
        "NEAR",
        "and",
        "or not",
        "col:um",
        "{title}",
        "(x)",
        "*st",
        "^ca",
        "+pl",
        "-mi",
        "   ",
        "x",
        "ab",
        "🙂 o",
        "本語テ",
        "O'Br",
        "lead 123",
        "nowhere at all",
        "alphaalpha",
        "a",
        "",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for _ in 0..150 {
        let piece: Vec<char> = PIECES[rng.next(PIECES.len())].chars().collect();
        let start = rng.next(piece.len());
        let len = 1 + rng.next(8);
        let cut: String = piece[start..(start + len).min(piece.len())]
            .iter()
            .collect();
        out.push(if rng.next(2) == 0 {
            cut.to_uppercase()
        } else {
            cut
        });
    }
    out
}

/// Raw patterns (`LikeRaw`): wildcards between literal runs of any length.
const RAW_PATTERNS: &[&str] = &[
    "alpha%",
    "%beta",
    "%pri_et%",
    "%ё_ик%",
    "%são%pau%",
    "%50\\%%",
    "%100\\_0%",
    "a%b",
    "%\"quo%",
    "_lpha%",
    "%%",
    "%",
    "%ac_e ltd%",
    "%a\\\\b%",
    "%straße%",
    "%ΣΊΣ%",
    "%istan%",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indexed_substring_search_finds_exactly_what_like_finds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path());
    let mut rng = Lcg(29);
    let lead_fields = ["TITLE", "NAME", "SECOND_NAME", "LAST_NAME", "COMPANY_TITLE"];
    seed(&store, &mut rng, &LEAD, &lead_fields, 2000)
        .await
        .expect("leads");
    let contact_fields = ["NAME", "SECOND_NAME", "LAST_NAME"];
    seed(&store, &mut rng, &CONTACT, &contact_fields, 300)
        .await
        .expect("contacts");
    seed(&store, &mut rng, &COMPANY, &["TITLE"], 300)
        .await
        .expect("companies");
    seed(&store, &mut rng, &DEAL, &["TITLE"], 300)
        .await
        .expect("deals");
    let conn = reader(dir.path());
    let targets: [(&EntityDef, &[&str]); 4] = [
        (&LEAD, &lead_fields),
        (&CONTACT, &contact_fields),
        (&COMPANY, &["TITLE"]),
        (&DEAL, &["TITLE"]),
    ];
    let mut searched = 0;
    let mut found = 0;
    let mut check = |entity: &EntityDef, conditions: Vec<Condition>, what: &str| {
        let (plain, _) = ids(&conn, entity, conditions.clone(), false);
        let (indexed, used) = ids(&conn, entity, conditions, true);
        assert_eq!(indexed, plain, "{} {what}", entity.code);
        searched += usize::from(used);
        found += usize::from(used && !plain.is_empty());
    };
    for needle in needles(&mut rng) {
        for (entity, fields) in targets {
            for field in fields {
                let what = format!("{field} %{needle:?}");
                check(
                    entity,
                    vec![like(entity, field, FilterOp::Like, &needle)],
                    &what,
                );
            }
        }
        // The UI's search: one OR group over the lead's columns.
        let any = lead_fields
            .iter()
            .map(|f| like(&LEAD, f, FilterOp::Like, &needle))
            .collect();
        check(
            &LEAD,
            vec![Condition::Any(any)],
            &format!("any %{needle:?}"),
        );
    }
    for pattern in RAW_PATTERNS {
        for (entity, fields) in targets {
            for field in fields {
                let what = format!("{field} raw {pattern:?}");
                check(
                    entity,
                    vec![like(entity, field, FilterOp::LikeRaw, pattern)],
                    &what,
                );
            }
        }
    }
    assert!(searched > 1000, "the index served {searched} searches");
    assert!(found > 300, "{found} indexed searches found something");
}

#[test]
fn match_queries_quote_every_run_and_skip_short_ones() {
    assert_eq!(
        match_query("title", "%Say \"HI\"%").as_deref(),
        Some(r#"{title} : "say ""hi""""#)
    );
    assert_eq!(
        match_query("name", "%ab_cdé%Ё%").as_deref(),
        Some(r#"{name} : "cdé""#)
    );
    assert_eq!(
        match_query("name", r"%abc\%def%").as_deref(),
        Some(r#"{name} : "abc%def""#)
    );
    assert_eq!(
        match_query("name", "abc%defg").as_deref(),
        Some(r#"{name} : "abc" AND {name} : "defg""#)
    );
    assert_eq!(match_query("title", "%ab%"), None);
    assert_eq!(match_query("title", "%a_b%c%"), None);
    assert_eq!(match_query("title", "%ab\0cd%"), None);
}
