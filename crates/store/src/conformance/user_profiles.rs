//! Users written through the `USER` catalogue (`user.add`, `user.update`):
//! the login is the e-mail, no password, taken e-mails refused without case
//! and nothing written, changes, department lists, and list queries with groups
//! over the profile columns. Runs after the users story (alice, bob exist).

use portico_protocol::filter::FilterOp;

use crate::error::StoreError;
use crate::list::{Condition, ListQuery};
use crate::records::FieldValue;
use crate::users::{USER, USER_EMAIL_CONFLICT};
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
                None,
            )
            .await;
        assert!(is_taken(r), "{taken} is taken");
    }
    assert!(
        store
            .add_user(vec![(pos("NAME"), text("no mail"))], None)
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
        .update_user(999_999, vec![(pos("NAME"), text("x"))])
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
}
