//! List queries on LEAD: every operator (with NULL rows, Like escaping of `%`,
//! `_` and `\`, case-insensitive Like), text equality in any case and any
//! script while codes compare exactly, OR / AND groups nested with their
//! count, multi-field filters, order with NULLs and the `id` tie-breaker,
//! offset/limit, `count_total` and `with_multi` on and off.

use portico_protocol::filter::FilterOp;

use super::records::{add, pos, text};
use crate::crm::LEAD;
use crate::entity::MultiType;
use crate::list::{Condition, Direction, ListPage, ListQuery, OrderKey};
use crate::records::{FieldValue, RecordWrite};
use crate::Store;

/// The marker every record of this story carries (ORIGINATOR_ID).
const MARKER: &str = "conformance-list";

/// A query of this story's records with extra conditions.
fn query(conditions: Vec<Condition>) -> ListQuery {
    let mut all = vec![Condition::Field {
        field: pos("ORIGINATOR_ID"),
        op: FilterOp::Eq,
        values: vec![text(MARKER)],
    }];
    all.extend(conditions);
    ListQuery {
        conditions: all,
        order: vec![],
        offset: 0,
        limit: 50,
        count_total: true,
        with_multi: false,
        with_uf: false,
    }
}

/// A condition on a LEAD field.
fn field(name: &str, op: FilterOp, values: Vec<FieldValue>) -> Condition {
    Condition::Field {
        field: pos(name),
        op,
        values,
    }
}

/// A condition on a multi-field kind.
fn multi(kind: MultiType, op: FilterOp, values: Vec<FieldValue>) -> Condition {
    Condition::Multi { kind, op, values }
}

/// Runs a query.
async fn run(store: &dyn Store, q: &ListQuery) -> ListPage {
    match store.list_records(&LEAD, q).await {
        Ok(page) => page,
        Err(e) => panic!("list {q:?}: {e}"),
    }
}

/// The ids of the records a single condition selects, as record numbers 1..=5.
async fn matching(store: &dyn Store, ids: &[i64; 5], c: Condition) -> Vec<usize> {
    let page = run(store, &query(vec![c])).await;
    page.records
        .iter()
        .map(|r| ids.iter().position(|id| *id == r.id).map_or(0, |i| i + 1))
        .collect()
}

/// Inserts the five records of the story; returns their ids.
async fn seed(store: &dyn Store) -> [i64; 5] {
    let float = FieldValue::Float;
    let rows: [(&str, FieldValue, &str, FieldValue, Vec<_>); 5] = [
        (
            "Alpha 50% off",
            float(100.0),
            "NEW",
            text("Ann"),
            vec![add(MultiType::Phone, "WORK", "+100")],
        ),
        (
            "Beta_test",
            float(200.0),
            "IN_PROCESS",
            FieldValue::Null,
            vec![add(MultiType::Email, "WORK", "b@x.io")],
        ),
        (
            "gamma",
            float(300.0),
            "NEW",
            text("Carl"),
            vec![
                add(MultiType::Phone, "WORK", "+300"),
                add(MultiType::Phone, "HOME", "+301"),
            ],
        ),
        ("Delta\\path", float(200.0), "JUNK", text("dave"), vec![]),
        ("ALPHA beta", FieldValue::Null, "NEW", text("Eve"), vec![]),
    ];
    let mut ids = [0; 5];
    for (i, (title, opportunity, status, name, multi)) in rows.into_iter().enumerate() {
        let values = vec![
            (pos("ORIGINATOR_ID"), text(MARKER)),
            (pos("TITLE"), text(title)),
            (pos("OPPORTUNITY"), opportunity),
            (pos("STATUS_ID"), text(status)),
            (pos("NAME"), name),
        ];
        ids[i] = store
            .insert_record(
                &LEAD,
                RecordWrite {
                    values,
                    multi,
                    ..RecordWrite::default()
                },
            )
            .await
            .expect("seed lead");
    }
    ids
}

/// The list story.
pub(super) async fn story(store: &dyn Store) {
    let ids = seed(store).await;
    let m = |c| matching(store, &ids, c);
    let (int, float) = (FieldValue::Int, FieldValue::Float);
    use FilterOp::*;

    assert_eq!(
        m(field("STATUS_ID", Eq, vec![text("NEW")])).await,
        [1, 3, 5],
        "Eq"
    );
    assert_eq!(
        m(field("STATUS_ID", NotEq, vec![text("NEW")])).await,
        [2, 4],
        "NotEq"
    );
    assert_eq!(
        m(field("NAME", NotEq, vec![text("Ann")])).await,
        [2, 3, 4, 5],
        "NotEq matches NULL"
    );
    assert_eq!(
        m(field("OPPORTUNITY", Gt, vec![int(150)])).await,
        [2, 3, 4],
        "Gt"
    );
    assert_eq!(
        m(field("OPPORTUNITY", Gte, vec![float(200.0)])).await,
        [2, 3, 4],
        "Gte"
    );
    assert_eq!(m(field("OPPORTUNITY", Lt, vec![int(200)])).await, [1], "Lt");
    assert_eq!(
        m(field("OPPORTUNITY", Lte, vec![int(200)])).await,
        [1, 2, 4],
        "Lte"
    );
    let in_list = vec![text("IN_PROCESS"), text("JUNK")];
    assert_eq!(m(field("STATUS_ID", In, in_list)).await, [2, 4], "In");
    assert_eq!(
        m(field("STATUS_ID", In, vec![])).await,
        Vec::<usize>::new(),
        "In of nothing"
    );
    assert_eq!(
        m(field("STATUS_ID", NotIn, vec![text("NEW")])).await,
        [2, 4],
        "NotIn"
    );
    let range = vec![int(150), int(250)];
    assert_eq!(
        m(field("OPPORTUNITY", Between, range.clone())).await,
        [2, 4],
        "Between"
    );
    assert_eq!(
        m(field("OPPORTUNITY", NotBetween, range)).await,
        [1, 3, 5],
        "NotBetween matches NULL"
    );

    assert_eq!(
        m(field("TITLE", Like, vec![text("alpha")])).await,
        [1, 5],
        "Like is case-insensitive"
    );
    assert_eq!(
        m(field("TITLE", Like, vec![text("50%")])).await,
        [1],
        "Like with a literal %"
    );
    assert_eq!(
        m(field("TITLE", Like, vec![text("a%o")])).await,
        Vec::<usize>::new(),
        "% is escaped"
    );
    assert_eq!(
        m(field("TITLE", Like, vec![text("_")])).await,
        [2],
        "_ is escaped"
    );
    assert_eq!(
        m(field("TITLE", Like, vec![text("\\")])).await,
        [4],
        "\\ is escaped"
    );
    assert_eq!(
        m(field("TITLE", NotLike, vec![text("ALPHA")])).await,
        [2, 3, 4],
        "NotLike"
    );
    assert_eq!(
        m(field("TITLE", LikeRaw, vec![text("gam%")])).await,
        [3],
        "LikeRaw"
    );
    assert_eq!(
        m(field("TITLE", LikeRaw, vec![text("%BETA%")])).await,
        [2, 5],
        "LikeRaw, any case"
    );
    assert_eq!(
        m(field("TITLE", NotLikeRaw, vec![text("a%")])).await,
        [2, 3, 4],
        "NotLikeRaw"
    );

    assert_eq!(
        m(field("NAME", Eq, vec![FieldValue::Null])).await,
        [2],
        "IS NULL"
    );
    assert_eq!(
        m(field("NAME", NotEq, vec![FieldValue::Null])).await,
        [1, 3, 4, 5],
        "IS NOT NULL"
    );
    assert_eq!(
        m(field("OPPORTUNITY", Eq, vec![FieldValue::Null])).await,
        [5],
        "IS NULL on REAL"
    );

    assert_eq!(
        m(multi(MultiType::Phone, Eq, vec![text("+301")])).await,
        [3],
        "multi Eq"
    );
    assert_eq!(
        m(multi(MultiType::Phone, Like, vec![text("+30")])).await,
        [3],
        "multi Like"
    );
    assert_eq!(
        m(multi(MultiType::Phone, NotEq, vec![text("+100")])).await,
        [2, 3, 4, 5],
        "multi NotEq"
    );
    assert_eq!(
        m(multi(MultiType::Email, Eq, vec![FieldValue::Null])).await,
        [1, 3, 4, 5],
        "no EMAIL"
    );
    assert_eq!(
        m(multi(MultiType::Phone, NotEq, vec![FieldValue::Null])).await,
        [1, 3],
        "has PHONE"
    );
    assert_eq!(
        m(multi(
            MultiType::Phone,
            In,
            vec![text("+100"), text("+300")]
        ))
        .await,
        [1, 3],
        "multi In"
    );

    order_and_pages(store, &ids).await;
    any_case(store, &ids).await;
    groups(store, &ids).await;
}

/// Text equality folds case (Latin, accented, Cyrillic; multi-field values
/// too); directory codes compare exactly.
async fn any_case(store: &dyn Store, ids: &[i64; 5]) {
    let m = |c| matching(store, ids, c);
    use FilterOp::*;
    assert_eq!(
        m(field("TITLE", Eq, vec![text("alpha 50% OFF")])).await,
        [1],
        "Eq in any case"
    );
    assert_eq!(
        m(field("TITLE", In, vec![text("GAMMA"), text("beta_TEST")])).await,
        [2, 3],
        "In in any case"
    );
    assert_eq!(
        m(field("TITLE", NotEq, vec![text("GAMMA")])).await,
        [1, 2, 4, 5],
        "NotEq in any case"
    );
    assert_eq!(
        m(field(
            "TITLE",
            NotIn,
            vec![text("Gamma"), text("alpha BETA")]
        ))
        .await,
        [1, 2, 4],
        "NotIn in any case"
    );
    assert_eq!(
        m(field("STATUS_ID", Eq, vec![text("new")])).await,
        Vec::<usize>::new(),
        "codes compare exactly"
    );
    assert_eq!(
        m(multi(MultiType::Email, Eq, vec![text("B@X.IO")])).await,
        [2],
        "an e-mail in any case"
    );

    let marker = "conformance-list-scripts";
    let mut made = Vec::new();
    for title in ["Ёжик в тумане", "ÁGUA Fria"] {
        let values = vec![
            (pos("ORIGINATOR_ID"), text(marker)),
            (pos("TITLE"), text(title)),
        ];
        let write = RecordWrite {
            values,
            ..RecordWrite::default()
        };
        made.push(store.insert_record(&LEAD, write).await.expect("seed"));
    }
    let only = |c: Condition| {
        let mut q = query(vec![]);
        q.conditions = vec![field("ORIGINATOR_ID", Eq, vec![text(marker)]), c];
        q
    };
    let ids_of = |page: ListPage| page.records.iter().map(|r| r.id).collect::<Vec<_>>();
    for (c, want, what) in [
        (
            field("TITLE", Eq, vec![text("ЁЖИК В ТУМАНЕ")]),
            [made[0]],
            "Cyrillic Eq",
        ),
        (
            field("TITLE", Like, vec![text("туман")]),
            [made[0]],
            "Cyrillic Like",
        ),
        (
            field("TITLE", Eq, vec![text("água fria")]),
            [made[1]],
            "accented Eq",
        ),
        (
            field("TITLE", LikeRaw, vec![text("água%")]),
            [made[1]],
            "accented LikeRaw",
        ),
    ] {
        assert_eq!(ids_of(run(store, &only(c)).await), want, "{what}");
    }
}

/// OR and AND groups, nested, with the total they count.
async fn groups(store: &dyn Store, ids: &[i64; 5]) {
    let m = |c| matching(store, ids, c);
    use FilterOp::*;
    let or = Condition::Any(vec![
        field("STATUS_ID", Eq, vec![text("JUNK")]),
        field("OPPORTUNITY", Gt, vec![FieldValue::Int(250)]),
    ]);
    assert_eq!(m(or.clone()).await, [3, 4], "OR");
    let nested = Condition::Any(vec![
        Condition::All(vec![
            field("STATUS_ID", Eq, vec![text("NEW")]),
            Condition::Any(vec![
                field("NAME", Like, vec![text("EV")]),
                field("OPPORTUNITY", Eq, vec![FieldValue::Int(100)]),
            ]),
        ]),
        field("TITLE", Eq, vec![text("BETA_TEST")]),
    ]);
    assert_eq!(m(nested.clone()).await, [1, 2, 5], "nested groups");
    let mut q = query(vec![
        nested,
        field("OPPORTUNITY", Lt, vec![FieldValue::Int(150)]),
    ]);
    q.limit = 1;
    let page = run(store, &q).await;
    assert_eq!(
        (page.records.len(), page.total),
        (1, Some(1)),
        "a group is AND-ed with the other conditions and counted"
    );
    q.conditions.pop();
    assert_eq!(run(store, &q).await.total, Some(3), "total of an OR filter");
}

/// Order, tie-breaker, window, count and multi-field loading.
async fn order_and_pages(store: &dyn Store, ids: &[i64; 5]) {
    let numbers = |page: &ListPage| -> Vec<usize> {
        page.records
            .iter()
            .map(|r| ids.iter().position(|id| *id == r.id).map_or(0, |i| i + 1))
            .collect()
    };
    let mut q = query(vec![]);
    q.order = vec![(OrderKey::Field(pos("OPPORTUNITY")), Direction::Desc)];
    let page = run(store, &q).await;
    assert_eq!(
        numbers(&page),
        [3, 4, 2, 1, 5],
        "DESC, ties by id in the key's direction, NULL last"
    );
    assert_eq!(page.total, Some(5));
    q.order = vec![(OrderKey::Field(pos("OPPORTUNITY")), Direction::Asc)];
    assert_eq!(
        numbers(&run(store, &q).await),
        [5, 1, 2, 4, 3],
        "ASC, NULL first, ties by id"
    );
    q.order = vec![(OrderKey::Field(pos("ID")), Direction::Desc)];
    assert_eq!(numbers(&run(store, &q).await), [5, 4, 3, 2, 1], "ID DESC");

    q.order = vec![];
    q.offset = 1;
    q.limit = 2;
    let page = run(store, &q).await;
    assert_eq!(numbers(&page), [2, 3], "offset 1 limit 2");
    assert_eq!(
        page.total,
        Some(5),
        "total counts all matches, not the page"
    );
    q.count_total = false;
    assert_eq!(run(store, &q).await.total, None, "no count when not asked");
    q.offset = 10;
    q.count_total = true;
    let page = run(store, &q).await;
    assert_eq!(
        (page.records.len(), page.total),
        (0, Some(5)),
        "past the end"
    );

    let mut q = query(vec![]);
    let page = run(store, &q).await;
    assert!(
        page.records.iter().all(|r| r.multi.is_empty()),
        "with_multi off"
    );
    q.with_multi = true;
    let page = run(store, &q).await;
    let counts: Vec<usize> = page.records.iter().map(|r| r.multi.len()).collect();
    assert_eq!(counts, [1, 1, 2, 0, 0], "with_multi on");
    for r in &page.records {
        let got = store.get_record(&LEAD, r.id).await.expect("get");
        assert_eq!(
            got.as_ref(),
            Some(r),
            "a listed record equals the record read by id"
        );
    }
    let third = &page.records[2].multi;
    assert_eq!(
        (third[0].value.as_str(), third[1].value.as_str()),
        ("+300", "+301")
    );
}
