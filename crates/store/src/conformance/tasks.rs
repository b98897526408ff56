//! Tasks: insert and read back, a partial update recording one history entry
//! per changed field, a list condition on a member list column, comments
//! counted on the task, checklist items deleted with the items under them,
//! time records summed on the task, deletion taking everything with it.

use portico_protocol::filter::FilterOp;

use crate::list::{Condition, ListQuery};
use crate::records::FieldValue;
use crate::tasks::{encode_list, list_pattern, TASK};
use crate::{ChecklistItem, ElapsedItem, EventStamp, Store};

fn pos(name: &str) -> usize {
    TASK.index_of(name).expect("task field")
}

fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.to_owned())
}

/// Runs the story.
pub async fn story(store: &dyn Store) {
    let stamp = EventStamp {
        at: 1_700_000_000,
        user_id: Some(1),
        auth_connector: None,
    };
    let id = store
        .insert_task(
            vec![
                (pos("TITLE"), text("Call back")),
                (pos("RESPONSIBLE_ID"), FieldValue::Int(1)),
                (pos("CREATED_BY"), FieldValue::Int(1)),
                (pos("STATUS"), FieldValue::Int(2)),
                (pos("AUDITORS"), text(&encode_list(&["7"]).unwrap())),
            ],
            stamp.clone(),
        )
        .await
        .expect("insert task");
    let task = store.get_task(id).await.expect("get").expect("exists");
    assert_eq!(task.values[pos("TITLE")], text("Call back"));
    assert_eq!(task.values[pos("COMMENTS_COUNT")], FieldValue::Int(0));
    assert!(store.get_task(id + 1000).await.expect("get").is_none());

    let changed = store
        .update_task(
            id,
            vec![
                (pos("STATUS"), FieldValue::Int(3)),
                (pos("TITLE"), text("Call back")),
            ],
            stamp.clone(),
        )
        .await
        .expect("update");
    assert!(changed);
    assert!(!store
        .update_task(
            id + 1000,
            vec![(pos("STATUS"), FieldValue::Int(3))],
            stamp.clone()
        )
        .await
        .expect("update missing"));
    let history = store.task_history(id).await.expect("history");
    let fields: Vec<(&str, Option<&str>, Option<&str>)> = history
        .iter()
        .map(|h| (h.field.as_str(), h.from.as_deref(), h.to.as_deref()))
        .collect();
    assert_eq!(
        fields,
        vec![("NEW", None, None), ("STATUS", Some("2"), Some("3"))]
    );

    let watched = ListQuery {
        conditions: vec![Condition::Field {
            field: pos("AUDITORS"),
            op: FilterOp::LikeRaw,
            values: vec![text(&list_pattern("7"))],
        }],
        order: Vec::new(),
        offset: 0,
        limit: 50,
        count_total: true,
        with_multi: false,
        with_uf: false,
    };
    let page = store.list_tasks(&watched).await.expect("list");
    assert_eq!(
        page.records.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![id]
    );
    assert_eq!(page.total, Some(1));

    let comment = store
        .add_task_comment(id, 1, "Done?".into(), stamp.clone())
        .await
        .expect("comment")
        .expect("task exists");
    assert_eq!(
        store
            .add_task_comment(id + 1000, 1, "x".into(), stamp.clone())
            .await
            .expect("comment"),
        None
    );
    assert!(store
        .update_task_comment(id, comment, "Done!".into())
        .await
        .expect("edit"));
    let comments = store.task_comments(id).await.expect("comments");
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].message, "Done!");
    let task = store.get_task(id).await.expect("get").expect("exists");
    assert_eq!(task.values[pos("COMMENTS_COUNT")], FieldValue::Int(1));

    let item = |parent_id: i64, title: &str| ChecklistItem {
        id: 0,
        task_id: id,
        parent_id,
        created_by: 1,
        title: title.to_owned(),
        sort_index: 0,
        is_complete: false,
        is_important: false,
        toggled_by: None,
        toggled_date: None,
    };
    let root = store
        .add_checklist_item(item(0, "List"), stamp.clone())
        .await
        .expect("item")
        .expect("task exists");
    store
        .add_checklist_item(item(root, "Step"), stamp.clone())
        .await
        .expect("item")
        .expect("task exists");
    assert_eq!(store.checklist_items(id).await.expect("items").len(), 2);
    assert!(store.delete_checklist_item(id, root).await.expect("delete"));
    assert!(store.checklist_items(id).await.expect("items").is_empty());

    let record = |seconds: i64| ElapsedItem {
        id: 0,
        task_id: id,
        user_id: 1,
        comment_text: "work".into(),
        seconds,
        created_date: stamp.at,
    };
    store
        .add_elapsed_item(record(600))
        .await
        .expect("time")
        .expect("task");
    let second = store
        .add_elapsed_item(record(60))
        .await
        .expect("time")
        .expect("task");
    assert!(store.delete_elapsed_item(id, second).await.expect("delete"));
    let task = store.get_task(id).await.expect("get").expect("exists");
    assert_eq!(task.values[pos("TIME_SPENT_IN_LOGS")], FieldValue::Int(600));

    assert!(store.delete_task(id, stamp.clone()).await.expect("delete"));
    assert!(!store.delete_task(id, stamp).await.expect("delete again"));
    assert!(store.get_task(id).await.expect("get").is_none());
    assert!(store.task_comments(id).await.expect("comments").is_empty());
    assert!(store.task_history(id).await.expect("history").is_empty());
}
