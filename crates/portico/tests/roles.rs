//! The CRM role commands of the `portico` binary: `role list` shows the seeded
//! roles as a table, `role add` / `role set` create and change roles,
//! `user add --role` and `user set-role` give users a role (names matched
//! exactly, else without regard to case), and an unknown role is a clear
//! error listing the roles. The stored result is read back from the database.

use portico_store::{Action, Level, RoleStore, UserStore};
use portico_store_sqlite::{SqliteOptions, SqliteStore};

mod common;

use common::{fails, ok};

/// The table line of `role list` for a role's entity, split into words.
fn row<'a>(table: &'a str, starts: &str) -> Vec<&'a str> {
    table
        .lines()
        .find(|l| l.starts_with(starts))
        .unwrap_or_else(|| panic!("no line starting {starts:?} in:\n{table}"))
        .split_whitespace()
        .collect()
}

#[tokio::test]
async fn role_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let table = ok(&data, &["role", "list"]);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["id", "name", "entity", "read", "add", "update", "delete"]
    );
    assert_eq!(
        row(&table, "1 "),
        [
            "1",
            "Full",
            "access",
            "(default)",
            "LEAD",
            "all",
            "all",
            "all",
            "all"
        ]
    );
    assert_eq!(
        row(&table, "2 "),
        ["2", "Own", "records", "LEAD", "own", "all", "own", "own"]
    );
    assert_eq!(
        row(&table, "3 "),
        ["3", "Read", "only", "LEAD", "all", "none", "none", "none"]
    );
    // Four lines per role: LEAD on the role's line, then DEAL, CONTACT, COMPANY.
    assert_eq!(table.lines().count(), 1 + 3 * 4, "{table}");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[2].split_whitespace().collect::<Vec<_>>(),
        ["DEAL", "all", "all", "all", "all"]
    );

    // user add --role: the role by name; unknown roles are refused and the
    // user is not created.
    let out = ok(
        &data,
        &["user", "add", "--login", "alice", "--role", "Own records"],
    );
    assert!(out.contains("user alice created with id"), "{out}");
    assert!(out.contains("role: Own records"), "{out}");
    let err = fails(&data, &["user", "add", "--login", "bob", "--role", "Boss"]);
    assert!(
        err.contains("unknown role 'Boss'; roles: 'Full access', 'Own records', 'Read only'"),
        "{err}"
    );
    ok(&data, &["user", "add", "--login", "bob"]);

    // role add: levels for one entity (the others none), or for all four.
    let out = ok(
        &data,
        &[
            "role", "add", "Sales", "--read", "own", "--add", "all", "--update", "own", "--delete",
            "none", "--entity", "lead",
        ],
    );
    assert!(out.contains("role 'Sales' created with id 4"), "{out}");
    ok(&data, &["role", "add", "Viewers", "--read", "ALL"]);
    let err = fails(&data, &["role", "add", "Sales", "--read", "all"]);
    assert!(err.contains("a role named 'Sales' exists"), "{err}");
    let err = fails(&data, &["role", "add", "Odd", "--read", "maybe"]);
    assert!(
        err.contains("'maybe' is not a level; use none, own or all"),
        "{err}"
    );
    let err = fails(&data, &["role", "add", "Odd", "--entity", "task"]);
    assert!(err.contains("'task' is not a CRM entity"), "{err}");
    // role set: only the given levels change.
    ok(
        &data,
        &["role", "set", "Sales", "--entity", "DEAL", "--read", "all"],
    );
    let table = ok(&data, &["role", "list"]);
    assert_eq!(
        row(&table, "4 "),
        ["4", "Sales", "LEAD", "own", "all", "own", "none"]
    );
    let sales: Vec<&str> = table.lines().skip(1 + 3 * 4 + 1).take(3).collect();
    assert_eq!(
        sales
            .iter()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>(),
        [
            "DEAL all none none none",
            "CONTACT none none none none",
            "COMPANY none none none none"
        ]
    );
    assert_eq!(
        row(&table, "5 "),
        ["5", "Viewers", "LEAD", "all", "none", "none", "none"]
    );

    // user set-role, with the name in another case.
    let out = ok(
        &data,
        &["user", "set-role", "--login", "bob", "--role", "sales"],
    );
    assert!(out.contains("user bob has the role 'Sales'"), "{out}");
    let err = fails(
        &data,
        &["user", "set-role", "--login", "nobody", "--role", "Sales"],
    );
    assert!(err.contains("no user with login 'nobody'"), "{err}");
    let err = fails(
        &data,
        &["user", "set-role", "--login", "bob", "--role", "Nope"],
    );
    assert!(err.contains("unknown role 'Nope'"), "{err}");

    // What the database holds.
    let store = SqliteStore::open(&data.join("portico.sqlite3"), SqliteOptions::default())
        .expect("open the database");
    let alice = store.user_by_login("alice").await.unwrap().unwrap();
    let bob = store.user_by_login("bob").await.unwrap().unwrap();
    let role = store.user_role(alice.id).await.unwrap().unwrap();
    assert_eq!((role.id, role.name.as_str()), (2, "Own records"));
    let role = store.user_role(bob.id).await.unwrap().unwrap();
    assert_eq!(role.name, "Sales");
    assert_eq!(role.level("LEAD", Action::Read), Level::Own);
    assert_eq!(role.level("DEAL", Action::Read), Level::All);
    assert_eq!(role.level("DEAL", Action::Add), Level::None);
    store.close();
}
