//! CRM roles: the seeded roles (exactly [`seeded_roles`], in id order), lookups
//! by id and by exact name, inserts with the duplicate-name conflict, changing
//! one level, and a user's role: the default until one is given, a given one,
//! back to the default, unknown users and roles.

use crate::error::StoreError;
use crate::roles::{
    seeded_roles, Action, Level, Levels, NewRole, Role, DEFAULT_ROLE_ID, ROLE_CONFLICT,
};
use crate::Store;

use super::users::new_user;

/// The roles story.
pub(super) async fn story(store: &dyn Store) {
    let seeded = seeded_roles();
    assert_eq!(
        store.list_roles().await.expect("list roles"),
        seeded.to_vec(),
        "the seeded roles"
    );
    assert_eq!(seeded[0].id, DEFAULT_ROLE_ID);
    assert_eq!(
        store.role_by_name("Own records").await.expect("by name"),
        Some(seeded[1].clone())
    );
    assert_eq!(
        store.role_by_name("own records").await.expect("by name"),
        None,
        "names match exactly"
    );
    assert_eq!(
        store.role_by_id(3).await.expect("by id"),
        Some(seeded[2].clone())
    );
    assert_eq!(store.role_by_id(999).await.expect("by id"), None);

    // A new role with its levels; a taken name is a conflict.
    let levels = Levels::per_action(Level::Own, Level::Own, Level::None, Level::None);
    let sales_id = store
        .insert_role(NewRole {
            name: "Sales".into(),
            levels,
        })
        .await
        .expect("insert role");
    let mut sales = Role {
        id: sales_id,
        name: "Sales".into(),
        levels,
    };
    assert!(sales_id > 3, "after the seeded roles");
    assert_eq!(
        store.role_by_id(sales_id).await.expect("by id"),
        Some(sales.clone())
    );
    match store
        .insert_role(NewRole {
            name: "Sales".into(),
            levels: Levels::default(),
        })
        .await
    {
        Err(StoreError::Conflict(name)) => assert_eq!(name, ROLE_CONFLICT),
        other => panic!("duplicate role name: expected Conflict, got {other:?}"),
    }

    // One level changes; the others stay.
    assert!(store
        .set_role_level(sales_id, "DEAL", Action::Update, Level::All)
        .await
        .expect("set level"));
    sales.levels.set("DEAL", Action::Update, Level::All);
    let read = store.role_by_name("Sales").await.expect("by name");
    assert_eq!(read, Some(sales.clone()));
    let read = read.expect("role");
    assert_eq!(read.level("DEAL", Action::Update), Level::All);
    assert_eq!(read.level("LEAD", Action::Update), Level::None);
    assert_eq!(read.level("LEAD", Action::Read), Level::Own);
    assert!(!store
        .set_role_level(999, "DEAL", Action::Update, Level::All)
        .await
        .expect("unknown role"));
    assert!(!store
        .set_role_level(sales_id, "USER", Action::Update, Level::All)
        .await
        .expect("unknown entity"));
    assert_eq!(
        store.role_by_id(sales_id).await.expect("by id"),
        Some(sales.clone())
    );

    // A user has the default role until given one.
    let user = store
        .insert_user(new_user("roles-carol", false))
        .await
        .expect("insert user");
    assert_eq!(
        store.user_role(user).await.expect("user role"),
        Some(seeded[0].clone())
    );
    assert!(store
        .set_user_role(user, Some(sales_id))
        .await
        .expect("set role"));
    assert_eq!(
        store.user_role(user).await.expect("user role"),
        Some(sales.clone())
    );
    let all_roles = store.user_role_ids().await.expect("every user's role");
    assert_eq!(all_roles.get(&user), Some(&sales_id));
    assert_eq!(
        all_roles.len(),
        store.list_users().await.expect("users").len(),
        "one entry per user"
    );
    assert!(
        all_roles
            .iter()
            .filter(|(id, _)| **id != user)
            .all(|(_, role)| *role == seeded[0].id),
        "the others have the default role: {all_roles:?}"
    );
    match store.set_user_role(user, Some(999)).await {
        Err(StoreError::NotFound) => {}
        other => panic!("unknown role: expected NotFound, got {other:?}"),
    }
    assert_eq!(
        store.user_role(user).await.expect("user role"),
        Some(sales.clone()),
        "a refused change leaves the role"
    );
    assert!(!store
        .set_user_role(99_999, Some(2))
        .await
        .expect("unknown user"));
    assert!(store.set_user_role(user, None).await.expect("clear role"));
    assert_eq!(
        store.user_role(user).await.expect("user role"),
        Some(seeded[0].clone())
    );
    assert_eq!(store.user_role(99_999).await.expect("unknown user"), None);

    let mut all = seeded.to_vec();
    all.push(sales);
    assert_eq!(store.list_roles().await.expect("list roles"), all);
}
