//! Users written through the `USER` catalogue (`user.add`, `user.update`):
//! the login is the e-mail, no password, taken e-mails refused without case
//! and nothing written, changes, department lists, and list queries with groups
//! over the profile columns. Runs after the users story (alice, bob exist).

use portico_protocol::filter::FilterOp;

use crate::error::StoreError;
use crate::list::{Condition, ListQuery};
use crate::records::FieldValue;
use crate::user_fields::UserType;
use crate::users::{USER, USER_EMAIL_CONFLICT};

use super::user_fields::new_field;
use crate::Store;

/// Position of a USER field.
fn pos(name: &str) -> usize {
    USER.index_of(name).expect("user field")
}

/// A text value.
fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.to_owned())
}

/// A condition on a USER field.
fn field(name: &str, op: FilterOp, values: Vec<FieldValue>) -> Condition {
    Condition::Field {
        field: pos(name),
        op,
        values,
    }
}

/// Ids of the users matching all conditions, ascending.
async fn ids(store: &dyn Store, conditions: Vec<Condition>) -> Vec<i64> {
    let q = ListQuery {
        conditions,
        order: vec![],
        offset: 0,
        limit: 50,
        count_total: false,
        with_multi: false,
        with_uf: false,
    };
    match store.list_records(&USER, &q).await {
        Ok(page) => page.records.iter().map(|r| r.id).collect(),
        Err(e) => panic!("list users {q:?}: {e}"),
    }
}

/// Whether a write was refused as a taken e-mail.
fn is_taken<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    match r {
        Err(StoreError::Conflict(name)) => name == USER_EMAIL_CONFLICT,
        other => panic!("expected Conflict({USER_EMAIL_CONFLICT}), got {other:?}"),
    }
}

/// The story.
pub(super) async fn story(store: &dyn Store) {
    let before = store.list_users().await.expect("users").len();
    let carol = store
        .add_user(
            vec![
                (pos("EMAIL"), text("Carol@Example.com")),
                (pos("NAME"), text("Carol")),
                (pos("LAST_NAME"), text("Jones")),
                (pos("UF_DEPARTMENT"), text(",1,7,")),
                (pos("USER_TYPE"), text("employee")),
                (pos("DATE_REGISTER"), FieldValue::Int(1_700_000_100)),
            ],
            Vec::new(),
            None,
        )
        .await
        .expect("add carol");
    let user = store.user_by_id(carol).await.expect("carol").expect("row");
    assert_eq!(user.login, "Carol@Example.com", "the login is the e-mail");
    assert_eq!(user.password_hash, "", "no password");
    assert!(user.active && !user.is_admin);
    let record = store
        .get_record(&USER, carol)
        .await
        .expect("get carol")
        .expect("carol record");
    assert_eq!(record.values[pos("NAME")], text("Carol"));
    assert_eq!(record.values[pos("UF_DEPARTMENT")], text(",1,7,"));
    assert_eq!(
        record.values[pos("DATE_REGISTER")],
        FieldValue::Int(1_700_000_100)
    );
    assert_eq!(record.values[pos("UF_PHONE_INNER")], FieldValue::Null);

    for taken in ["carol@example.COM", "bob@example.com", "ALICE"] {
        let r = store
            .add_user(
                vec![(pos("EMAIL"), text(taken)), (pos("NAME"), text("x"))],
                Vec::new(),
                None,
            )
            .await;
        assert!(is_taken(r), "{taken} is taken");
    }
    assert!(
        store
            .add_user(vec![(pos("NAME"), text("no mail"))], Vec::new(), None)
            .await
            .is_err(),
        "EMAIL is required"
    );
    let dave = store
        .add_user(
            vec![
                (pos("EMAIL"), text("dave@partner.example")),
                (pos("USER_TYPE"), text("extranet")),
                (pos("UF_DEPARTMENT"), FieldValue::Null),
            ],
            Vec::new(),
            None,
        )
        .await
        .expect("add dave");
    assert_eq!(store.list_users().await.expect("users").len(), before + 2);

    assert!(store
        .update_user(
            carol,
            vec![
                (pos("NAME"), text("Caroline")),
                (pos("UF_PHONE_INNER"), text("123")),
                (pos("EMAIL"), text("CAROL@example.com")),
            ],
            Vec::new(),
        )
        .await
        .expect("update carol"));
    let r = store
        .update_user(
            carol,
            vec![
                (pos("NAME"), text("Lost")),
                (pos("EMAIL"), text("BOB@example.com")),
            ],
            Vec::new(),
        )
        .await;
    assert!(is_taken(r), "bob's e-mail is taken");
    let record = store
        .get_record(&USER, carol)
        .await
        .expect("get")
        .expect("carol");
    assert_eq!(
        record.values[pos("NAME")],
        text("Caroline"),
        "nothing written"
    );
    assert_eq!(record.values[pos("EMAIL")], text("CAROL@example.com"));
    assert_eq!(record.values[pos("UF_PHONE_INNER")], text("123"));
    assert!(!store
        .update_user(999_999, vec![(pos("NAME"), text("x"))], Vec::new())
        .await
        .expect("unknown user"));

    let like = |op, s: &str| field("UF_DEPARTMENT", op, vec![text(s)]);
    let in_one = ids(store, vec![like(FilterOp::LikeRaw, "%,1,%")]).await;
    assert!(in_one.contains(&1) && in_one.contains(&carol) && !in_one.contains(&dave));
    assert_eq!(
        ids(store, vec![like(FilterOp::LikeRaw, "%,7,%")]).await,
        vec![carol]
    );
    assert_eq!(
        ids(store, vec![like(FilterOp::NotLikeRaw, "%,1,%")]).await,
        vec![dave]
    );
    let phone = field("UF_PHONE_INNER", FilterOp::Eq, vec![text("123")]);
    assert_eq!(ids(store, vec![phone]).await, vec![carol]);
    let search = |s: &str| {
        Condition::Any(vec![
            field("NAME", FilterOp::Like, vec![text(s)]),
            field("LAST_NAME", FilterOp::Like, vec![text(s)]),
            field("EMAIL", FilterOp::Like, vec![text(s)]),
        ])
    };
    assert_eq!(ids(store, vec![search("jONES")]).await, vec![carol]);
    assert_eq!(ids(store, vec![search("partner")]).await, vec![dave]);
    assert_eq!(
        ids(store, vec![search("carol"), search("jones")]).await,
        vec![carol]
    );
    assert_eq!(
        ids(store, vec![Condition::Any(vec![])]).await,
        Vec::<i64>::new()
    );
    profile_field_values(store, carol, dave).await;
}

/// Values of profile fields (`UF_USR_*`) are written with the user, replaced
/// per field, read with the record, filtered on, and never taken from a CRM
/// field's definition.
async fn profile_field_values(store: &dyn Store, carol: i64, dave: i64) {
    let shirt = store
        .insert_user_field(
            new_field("USER", "UF_USR_CONF_SHIRT", UserType::String, 100),
            None,
        )
        .await
        .expect("profile field");
    let crm = store
        .insert_user_field(
            new_field("CRM_LEAD", "UF_CRM_CONF_SHIRT", UserType::String, 100),
            None,
        )
        .await
        .expect("crm field");
    let erin = store
        .add_user(
            vec![(pos("EMAIL"), text("erin@example.com"))],
            vec![(shirt, vec![text("M")]), (crm, vec![text("not mine")])],
            None,
        )
        .await
        .expect("add erin");
    assert!(store
        .update_user(carol, Vec::new(), vec![(shirt, vec![text("S")])])
        .await
        .expect("carol's shirt"));
    assert!(store
        .update_user(carol, Vec::new(), vec![(shirt, vec![text("L")])])
        .await
        .expect("carol's shirt again"));
    let read = |id| async move {
        let record = store
            .get_record(&USER, id)
            .await
            .expect("get")
            .expect("user");
        (
            record.uf_values(shirt).to_vec(),
            record.uf_values(crm).to_vec(),
        )
    };
    assert_eq!(read(erin).await, (vec![text("M")], vec![]));
    assert_eq!(read(carol).await, (vec![text("L")], vec![]), "replaced");
    assert_eq!(read(dave).await, (vec![], vec![]));
    let wears = |size: &str| Condition::UserField {
        field_id: shirt,
        storage: UserType::String.storage(),
        op: FilterOp::Eq,
        values: vec![text(size)],
    };
    assert_eq!(ids(store, vec![wears("L")]).await, vec![carol]);
    assert_eq!(ids(store, vec![wears("M")]).await, vec![erin]);
    assert!(!store
        .update_user(999_999, Vec::new(), vec![(shirt, vec![text("XL")])])
        .await
        .expect("unknown user"));
    assert!(
        ids(store, vec![wears("XL")]).await.is_empty(),
        "nothing written for nobody"
    );
    for field in [shirt, crm] {
        assert!(store
            .delete_user_field(field, None)
            .await
            .expect("delete field"));
    }
    assert_eq!(
        read(carol).await,
        (vec![], vec![]),
        "values go with their field"
    );
}
