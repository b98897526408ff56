//! The local application commands of the `portico` binary: `app add` refuses
//! what the form refuses (a bad handler URL, a missing menu text, an unknown
//! scope, a creator who is not an administrator) with a non-zero exit and the
//! reason, and prints the id, `client_id` and `client_secret`; `app list`
//! shows it (never the secret); `app remove` removes it.

mod common;

use common::{fails, ok, printed};

#[test]
fn applications_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let none = fails(
        &data,
        &[
            "app",
            "add",
            "--name",
            "Early",
            "--handler",
            "https://app.example.com/",
            "--script-only",
        ],
    );
    assert!(none.contains("no administrator"), "{none}");
    ok(&data, &["user", "add", "--login", "bob", "--name", "Bob"]);
    ok(
        &data,
        &[
            "user", "add", "--login", "boss", "--name", "Boss", "--admin",
        ],
    );

    let add = |extra: &[&str]| {
        let mut args = vec!["app", "add", "--name", "Orders"];
        args.extend_from_slice(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let refused = |extra: &[&str]| {
        let args = add(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails(&data, &args)
    };
    let bad_url = refused(&["--handler", "ftp://files.example.com/", "--script-only"]);
    assert!(
        bad_url.contains("the handler path must be an http or https URL"),
        "{bad_url}"
    );
    let no_menu = refused(&["--handler", "https://app.example.com/"]);
    assert!(no_menu.contains("needs a menu item text"), "{no_menu}");
    let unknown = refused(&[
        "--handler",
        "https://app.example.com/",
        "--script-only",
        "--scope",
        "crm,telephony",
    ]);
    assert!(unknown.contains("unknown scope telephony"), "{unknown}");
    let not_admin = refused(&[
        "--handler",
        "https://app.example.com/",
        "--script-only",
        "--by",
        "bob",
    ]);
    assert!(
        not_admin.contains("not an active administrator"),
        "{not_admin}"
    );
    assert!(!ok(&data, &["app", "list"]).contains("Orders"));

    let args = add(&[
        "--handler",
        "https://app.example.com/index.php",
        "--install",
        "https://app.example.com/install.php",
        "--scope",
        "crm,user",
        "--script-only",
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let added = ok(&data, &args);
    assert!(added.contains("application 1 created"), "{added}");
    let client_id = printed(&added, "client_id");
    let client_secret = printed(&added, "client_secret");
    assert!(client_id.starts_with("local."), "{client_id}");
    assert_eq!(client_secret.len(), 50);

    let with_ui = ok(
        &data,
        &[
            "app",
            "add",
            "--name",
            "Board",
            "--handler",
            "https://board.example.com/",
            "--menu-text",
            "Board",
            "--by",
            "boss",
        ],
    );
    let board_id = printed(&with_ui, "client_id");

    let list = ok(&data, &["app", "list"]);
    let orders = list
        .lines()
        .find(|l| l.contains("Orders"))
        .unwrap_or_else(|| panic!("listed: {list}"));
    assert!(orders.starts_with("1 "), "{orders}");
    assert!(orders.contains(&client_id) && orders.contains("crm,user"));
    assert!(orders.contains(" yes "), "script-only: installed: {orders}");
    let board = list.lines().find(|l| l.contains(&board_id)).expect("board");
    assert!(board.contains(" no "), "waits for its installer: {board}");
    assert!(!list.contains(&client_secret), "never the secret");

    let removed = ok(&data, &["app", "remove", "1"]);
    assert!(removed.contains("application 1 removed"), "{removed}");
    assert!(!ok(&data, &["app", "list"]).contains(&client_id));
    let again = fails(&data, &["app", "remove", "1"]);
    assert!(again.contains("no application with id 1"), "{again}");
}
