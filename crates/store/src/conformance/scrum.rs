//! Scrum: one backlog and one active sprint per group, a task placed in the
//! backlog then a sprint, completing the sprint moving unfinished tasks back
//! while completed ones stay, a deleted epic leaving its items, a deleted
//! task taking its item, a deleted group taking all its scrum data.

use super::users::new_user;
use crate::records::FieldValue;
use crate::scrum::{BACKLOG, SPRINT};
use crate::tasks::TASK;
use crate::{
    Epic, EventStamp, ScrumEntity, ScrumItem, ScrumPlacement, SprintStart, Store, StoreError,
    Workgroup,
};

fn entity(group_id: i64, entity_type: &str, status: &str, user: i64) -> ScrumEntity {
    ScrumEntity {
        id: 0,
        group_id,
        entity_type: entity_type.to_owned(),
        name: format!("{entity_type} of {group_id}"),
        goal: String::new(),
        sort: 1,
        created_by: user,
        modified_by: user,
        date_start: Some(1_700_000_000),
        date_end: Some(1_700_600_000),
        status: status.to_owned(),
    }
}

async fn task(store: &dyn Store, group_id: i64, status: i64, user: i64) -> i64 {
    let pos = |n: &str| TASK.index_of(n).expect("task field");
    store
        .insert_task(
            vec![
                (pos("TITLE"), FieldValue::Text("Story".into())),
                (pos("RESPONSIBLE_ID"), FieldValue::Int(user)),
                (pos("GROUP_ID"), FieldValue::Int(group_id)),
                (pos("STATUS"), FieldValue::Int(status)),
            ],
            EventStamp {
                at: 1_700_000_000,
                user_id: Some(user),
                auth_connector: None,
            },
        )
        .await
        .expect("task")
}

fn item(task_id: i64, entity_id: i64, epic_id: Option<i64>, user: i64) -> ScrumItem {
    ScrumItem {
        task_id,
        entity_id,
        story_points: "3".into(),
        epic_id,
        sort: 1,
        created_by: user,
        modified_by: user,
    }
}

fn placed(task_id: i64, entity_id: i64, entity_type: &str) -> ScrumPlacement {
    ScrumPlacement {
        task_id,
        entity_id,
        entity_type: entity_type.to_owned(),
    }
}

/// The scrum story.
pub(super) async fn story(store: &dyn Store) {
    let user = store
        .insert_user(new_user("scrum-master", false))
        .await
        .expect("user");
    let group = store
        .insert_workgroup(Workgroup {
            id: 0,
            name: "Scrum team".into(),
            description: String::new(),
            visible: true,
            opened: false,
            closed: false,
            active: true,
            project: true,
            keywords: String::new(),
            initiate_perms: "K".into(),
            owner_id: user,
            created_at: 100,
            updated_at: 100,
            members: 0,
            scrum_master_id: Some(user),
        })
        .await
        .expect("group");
    let listed = store.list_workgroups().await.expect("groups");
    let stored = listed.iter().find(|g| g.id == group).expect("listed");
    assert_eq!(stored.scrum_master_id, Some(user));

    let backlog = store
        .insert_scrum_entity(entity(group, BACKLOG, "planned", user))
        .await
        .expect("backlog");
    assert!(matches!(
        store
            .insert_scrum_entity(entity(group, BACKLOG, "planned", user))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let first = store
        .insert_scrum_entity(entity(group, SPRINT, "planned", user))
        .await
        .expect("sprint");
    let second = store
        .insert_scrum_entity(entity(group, SPRINT, "planned", user))
        .await
        .expect("second sprint");
    assert_eq!(
        store
            .scrum_entities(Some(group))
            .await
            .expect("entities")
            .len(),
        3
    );

    let epic = store
        .insert_epic(Epic {
            id: 0,
            group_id: group,
            name: "Checkout".into(),
            description: String::new(),
            color: "#69dafc".into(),
            created_by: user,
            modified_by: user,
        })
        .await
        .expect("epic");
    let open = task(store, group, 2, user).await;
    let done = task(store, group, 5, user).await;
    store
        .put_scrum_item(item(open, backlog, Some(epic), user))
        .await
        .expect("item");
    assert_eq!(
        store.scrum_placements(&[open, done]).await.expect("placed"),
        [placed(open, backlog, BACKLOG)]
    );
    store
        .put_scrum_item(item(open, first, Some(epic), user))
        .await
        .expect("moved");
    store
        .put_scrum_item(item(done, first, None, user))
        .await
        .expect("done item");
    assert_eq!(
        store.scrum_entity_tasks(first).await.expect("tasks"),
        [open, done]
    );

    assert_eq!(
        store.start_sprint(first, user).await.expect("start"),
        SprintStart::Started
    );
    assert_eq!(
        store.start_sprint(first, user).await.expect("again"),
        SprintStart::NotPlanned
    );
    assert_eq!(
        store.start_sprint(second, user).await.expect("second"),
        SprintStart::OtherActive
    );
    assert_eq!(
        store.start_sprint(backlog, user).await.expect("backlog"),
        SprintStart::NotFound
    );
    let completed = store
        .complete_sprint(first, user)
        .await
        .expect("complete")
        .expect("was active");
    assert_eq!(completed.status, "completed");
    assert!(store
        .complete_sprint(first, user)
        .await
        .expect("twice")
        .is_none());
    assert_eq!(
        store.scrum_placements(&[open, done]).await.expect("placed"),
        [placed(open, backlog, BACKLOG), placed(done, first, SPRINT)]
    );

    assert!(store.delete_epic(epic).await.expect("delete epic"));
    let left = store.scrum_item(open).await.expect("item").expect("kept");
    assert_eq!((left.entity_id, left.epic_id), (backlog, None));

    assert!(store
        .delete_scrum_entity(first, Some(backlog))
        .await
        .expect("delete sprint"));
    assert_eq!(
        store.scrum_entity_tasks(backlog).await.expect("tasks"),
        [open, done]
    );
    store
        .delete_task(
            done,
            EventStamp {
                at: 1_700_000_100,
                user_id: Some(user),
                auth_connector: None,
            },
        )
        .await
        .expect("delete task");
    assert!(store.scrum_item(done).await.expect("item").is_none());

    assert!(store.delete_workgroup(group).await.expect("delete group"));
    assert!(store.scrum_entity(backlog).await.expect("gone").is_none());
    assert!(store.scrum_item(open).await.expect("gone").is_none());
    assert!(store
        .scrum_entities(Some(group))
        .await
        .expect("none")
        .is_empty());
}
