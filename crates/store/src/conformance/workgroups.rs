//! Workgroups: create (the owner is member `A`), members added once, a new
//! owner (the old one stays a moderator), the groups of a user, delete with
//! the memberships.

use super::users::new_user;
use crate::{GroupMember, Store, Workgroup};

fn group(name: &str, owner: i64) -> Workgroup {
    Workgroup {
        id: 0,
        name: name.to_owned(),
        description: String::new(),
        visible: true,
        opened: false,
        closed: false,
        active: true,
        project: false,
        keywords: String::new(),
        initiate_perms: "K".to_owned(),
        owner_id: owner,
        created_at: 100,
        updated_at: 100,
        members: 0,
        scrum_master_id: None,
    }
}

fn member(user_id: i64, role: &str) -> GroupMember {
    GroupMember {
        user_id,
        role: role.to_owned(),
    }
}

/// The workgroup story.
pub(super) async fn story(store: &dyn Store) {
    let owner = store
        .insert_user(new_user("wg-owner", false))
        .await
        .expect("owner");
    let other = store
        .insert_user(new_user("wg-other", false))
        .await
        .expect("other");
    let id = store
        .insert_workgroup(group("Team", owner))
        .await
        .expect("create");
    assert_eq!(
        store.group_members(id).await.expect("members"),
        [member(owner, "A")]
    );
    assert_eq!(
        store
            .add_group_members(id, &[other, owner])
            .await
            .expect("add"),
        [other]
    );
    assert_eq!(store.groups_of_user(other).await.expect("groups"), [id]);
    let mut changed = group("Team 2", other);
    changed.id = id;
    changed.updated_at = 200;
    assert!(store.update_workgroup(changed).await.expect("update"));
    assert_eq!(
        store.group_members(id).await.expect("members"),
        [member(owner, "E"), member(other, "A")]
    );
    let listed = store.list_workgroups().await.expect("list");
    let stored = listed.iter().find(|g| g.id == id).expect("listed");
    assert_eq!(
        (
            stored.name.as_str(),
            stored.owner_id,
            stored.members,
            stored.updated_at
        ),
        ("Team 2", other, 2, 200)
    );
    let mut missing = group("x", owner);
    missing.id = 999_999;
    assert!(!store.update_workgroup(missing).await.expect("missing"));
    assert!(store.delete_workgroup(id).await.expect("delete"));
    assert!(!store.delete_workgroup(id).await.expect("gone"));
    assert!(store
        .groups_of_user(other)
        .await
        .expect("groups")
        .is_empty());
}
