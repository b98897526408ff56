//! Deal pipelines and stage history: the default pipeline 0 always present,
//! a new pipeline with its default stage directory, updates, the refusals of
//! deletion (default pipeline, pipeline with deals), deletion with its stages;
//! history rows on creation and on stage changes only, written with the
//! record, and removed with it.

use portico_protocol::filter::FilterOp;

use crate::crm::stage_history::{DEAL_STAGE_HISTORY, LEAD_STAGE_HISTORY};
use crate::crm::{DEAL, LEAD};
use crate::entity::EntityDef;
use crate::events::EventStamp;
use crate::list::{Condition, ListQuery};
use crate::pipelines::{default_stages, stage_entity};
use crate::records::{FieldValue, Record, RecordWrite};
use crate::{CategoryChange, CategoryDeletion, NewCategory, Store};

/// A text value.
fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.to_owned())
}

/// Position of a field of `entity`.
fn pos(entity: &EntityDef, name: &str) -> usize {
    match entity.index_of(name) {
        Some(p) => p,
        None => panic!("{} has no field {name}", entity.code),
    }
}

/// A write of `values` stamped at `at`.
fn stamped(values: Vec<(usize, FieldValue)>, at: i64) -> RecordWrite {
    RecordWrite {
        event: Some(EventStamp {
            at,
            user_id: Some(1),
            auth_connector: None,
        }),
        ..RecordWrite::values(values)
    }
}

/// The history rows of record `owner`, by id.
async fn history(store: &dyn Store, def: &'static EntityDef, owner: i64) -> Vec<Record> {
    let query = ListQuery {
        conditions: vec![Condition::Field {
            field: pos(def, "OWNER_ID"),
            op: FilterOp::Eq,
            values: vec![FieldValue::Int(owner)],
        }],
        order: Vec::new(),
        offset: 0,
        limit: 50,
        count_total: false,
        with_multi: false,
        with_uf: false,
    };
    match store.list_records(def, &query).await {
        Ok(page) => page.records,
        Err(e) => panic!("history of {owner}: {e:?}"),
    }
}

/// `(TYPE_ID, stage, semantics, time)` of deal history rows.
fn deal_rows(rows: &[Record]) -> Vec<(i64, FieldValue, FieldValue, FieldValue, i64)> {
    let h = &DEAL_STAGE_HISTORY;
    rows.iter()
        .map(|r| {
            (
                r.values[pos(h, "TYPE_ID")].as_i64().unwrap_or(-1),
                r.values[pos(h, "CATEGORY_ID")].clone(),
                r.values[pos(h, "STAGE_ID")].clone(),
                r.values[pos(h, "STAGE_SEMANTIC_ID")].clone(),
                r.values[pos(h, "CREATED_TIME")].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

/// The pipelines story.
pub(super) async fn story(store: &dyn Store) {
    let all = store.list_categories().await.expect("list categories");
    assert_eq!(all.len(), 1, "only the default pipeline at first: {all:?}");
    assert_eq!((all[0].id, all[0].is_default), (0, true));
    assert_eq!(all[0].name, "General");

    let id = store
        .insert_category(NewCategory {
            name: "Wholesale".to_owned(),
            sort: 200,
            created: 1_700_000_000,
            originator_id: String::new(),
            origin_id: String::new(),
        })
        .await
        .expect("insert category");
    assert!(id > 0);
    let got = store.category(id).await.expect("get").expect("exists");
    assert_eq!(
        (got.name.as_str(), got.sort, got.is_default),
        ("Wholesale", 200, false)
    );
    assert_eq!(got.created, 1_700_000_000);
    let listed = store.list_categories().await.expect("list");
    assert_eq!(listed.iter().map(|c| c.id).collect::<Vec<_>>(), [id, 0]);

    let stages = store
        .list_statuses(Some(&stage_entity(id)))
        .await
        .expect("stages");
    let expected = default_stages(id);
    assert_eq!(stages.len(), expected.len());
    for (s, e) in stages.iter().zip(&expected) {
        assert_eq!(
            (
                &s.status_id,
                &s.name,
                s.sort,
                s.system,
                s.category_id,
                s.semantics
            ),
            (
                &e.status_id,
                &e.name,
                e.sort,
                e.system,
                Some(id),
                e.semantics
            )
        );
    }

    let change = CategoryChange {
        name: Some("Retail".to_owned()),
        sort: None,
    };
    assert!(store
        .update_category(id, change.clone())
        .await
        .expect("update"));
    let got = store.category(id).await.expect("get").expect("exists");
    assert_eq!((got.name.as_str(), got.sort), ("Retail", 200));
    assert!(!store
        .update_category(id + 1000, change)
        .await
        .expect("update missing"));

    // A deal in the new pipeline: a creation row, none for a change that keeps
    // the stage, one per stage move.
    let d = |n: &str| pos(&DEAL, n);
    let deal = store
        .insert_record(
            &DEAL,
            stamped(
                vec![
                    (d("TITLE"), text("Pipeline deal")),
                    (d("CATEGORY_ID"), FieldValue::Int(id)),
                    (d("STAGE_ID"), text(&format!("C{id}:NEW"))),
                    (d("STAGE_SEMANTIC_ID"), text("P")),
                ],
                1_700_000_100,
            ),
        )
        .await
        .expect("insert deal");
    let title = vec![(d("TITLE"), text("Renamed"))];
    assert!(store
        .update_record(&DEAL, deal, stamped(title, 1_700_000_200))
        .await
        .expect("update"));
    let stage = |s: &str, sem: &str| {
        vec![
            (d("STAGE_ID"), text(&format!("C{id}:{s}"))),
            (d("STAGE_SEMANTIC_ID"), text(sem)),
        ]
    };
    let moved = stamped(stage("EXECUTING", "P"), 1_700_000_300);
    assert!(store.update_record(&DEAL, deal, moved).await.expect("move"));
    let won = stamped(stage("WON", "S"), 1_700_000_400);
    assert!(store.update_record(&DEAL, deal, won).await.expect("win"));
    let cat = FieldValue::Int(id);
    assert_eq!(
        deal_rows(&history(store, &DEAL_STAGE_HISTORY, deal).await),
        vec![
            (
                1,
                cat.clone(),
                text(&format!("C{id}:NEW")),
                text("P"),
                1_700_000_100
            ),
            (
                2,
                cat.clone(),
                text(&format!("C{id}:EXECUTING")),
                text("P"),
                1_700_000_300
            ),
            (
                3,
                cat,
                text(&format!("C{id}:WON")),
                text("S"),
                1_700_000_400
            ),
        ]
    );

    assert_eq!(
        store.delete_category(id).await.expect("delete"),
        CategoryDeletion::HasDeals
    );
    assert_eq!(
        store.delete_category(0).await.expect("delete"),
        CategoryDeletion::Default
    );
    assert_eq!(
        store.delete_category(id + 1000).await.expect("delete"),
        CategoryDeletion::NotFound
    );
    assert!(store
        .delete_record(&DEAL, deal, None)
        .await
        .expect("delete deal"));
    assert!(history(store, &DEAL_STAGE_HISTORY, deal).await.is_empty());
    assert_eq!(
        store.delete_category(id).await.expect("delete"),
        CategoryDeletion::Deleted
    );
    assert!(store.category(id).await.expect("get").is_none());
    let left = store
        .list_statuses(Some(&stage_entity(id)))
        .await
        .expect("stages");
    assert!(
        left.is_empty(),
        "stages deleted with their pipeline: {left:?}"
    );

    // Leads: a creation row with the lead's stage.
    let l = |n: &str| pos(&LEAD, n);
    let lead = store
        .insert_record(
            &LEAD,
            stamped(
                vec![
                    (l("TITLE"), text("History lead")),
                    (l("STATUS_ID"), text("JUNK")),
                    (l("STATUS_SEMANTIC_ID"), text("F")),
                ],
                1_700_000_500,
            ),
        )
        .await
        .expect("insert lead");
    let rows = history(store, &LEAD_STAGE_HISTORY, lead).await;
    let h = |n: &str| pos(&LEAD_STAGE_HISTORY, n);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        [
            h("TYPE_ID"),
            h("STATUS_ID"),
            h("STATUS_SEMANTIC_ID"),
            h("CREATED_TIME")
        ]
        .map(|p| rows[0].values[p].clone()),
        [
            FieldValue::Int(3),
            text("JUNK"),
            text("F"),
            FieldValue::Int(1_700_000_500)
        ]
    );
}
