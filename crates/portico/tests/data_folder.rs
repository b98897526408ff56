//! The data folder cannot be silently wrong, shown with the real binary: a key
//! file that is missing or another one than the database's, or a database that
//! is lost next to an earlier portal's key, makes `portico serve` refuse rather
//! than start a portal whose webhooks all fail or a new one with a new
//! administrator; a fresh folder still starts, private (folder 0700, files
//! 0600); `portico check` finds a page of garbage and `serve` refuses it; one
//! server per folder, while the administration commands keep working; and the
//! administrator password read from a file.

use std::fs;
use std::path::Path;

use serde_json::{json, Value};

mod common;

use common::{run, serve_refused, Server};

/// A portal that has run once: `data` with its database, key and administrator.
fn earlier_portal(data: &Path) {
    let server = Server::start(data, &[]);
    assert!(server.log().contains("Administrator created"));
    server.stop();
}

/// The database's WAL and shared-memory files, removed as a copy without them would be.
fn remove_wal(data: &Path) {
    for name in ["portico.sqlite3-wal", "portico.sqlite3-shm"] {
        let _ = fs::remove_file(data.join(name));
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

async fn call(url: String, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("request");
    (r.status().as_u16(), r.json().await.expect("json"))
}

fn webhook_add(data: &Path) -> String {
    let (ok, out) = run(
        data,
        &["webhook", "add", "--user", "admin", "--scope", "crm"],
    );
    assert!(ok, "webhook add failed: {out}");
    out.lines().last().expect("url line").trim().to_owned()
}

#[tokio::test]
async fn another_key_refuses_to_start_also_for_a_portal_without_a_check_value() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    earlier_portal(&data);
    let key = data.join("secret.key");
    let own_key = fs::read(&key).unwrap();

    // A portal from before key check values: the next start writes it.
    let db = rusqlite::Connection::open(data.join("portico.sqlite3")).unwrap();
    assert_eq!(
        db.execute(
            "DELETE FROM portal_meta WHERE name = 'secret_key_check'",
            []
        )
        .unwrap(),
        1
    );
    drop(db);
    let server = Server::start(&data, &[]);
    assert!(!server.log().contains("Administrator created"));
    server.stop();

    fs::write(&key, [7u8; 32]).unwrap();
    let out = serve_refused(&data, &[]);
    assert!(
        out.contains(&format!(
            "the key file {} does not belong to the database",
            key.display()
        )) && out.contains("Restore the portal's own"),
        "{out}"
    );
    let (ok, out) = run(
        &data,
        &["webhook", "add", "--user", "admin", "--scope", "crm"],
    );
    assert!(
        !ok && out.contains("does not belong to the database"),
        "{out}"
    );

    fs::write(&key, own_key).unwrap();
    Server::start(&data, &[]).stop();
}

#[tokio::test]
async fn a_missing_key_with_an_existing_database_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    earlier_portal(&data);
    let key = data.join("secret.key");
    fs::remove_file(&key).unwrap();
    let out = serve_refused(&data, &[]);
    assert!(
        out.contains(&format!("the key file {} is missing", key.display()))
            && out.contains("Restore"),
        "{out}"
    );
    assert!(!key.exists(), "a new key was written over the portal");
}

#[tokio::test]
async fn a_lost_database_next_to_an_earlier_key_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    earlier_portal(&data);
    let db = data.join("portico.sqlite3");
    remove_wal(&data);
    fs::write(&db, b"").unwrap();
    let out = serve_refused(&data, &[]);
    assert!(
        out.contains(&format!(
            "but its database {} is empty (0 bytes)",
            db.display()
        )) && out.contains("secret.key")
            && !out.contains("Administrator created"),
        "{out}"
    );
    assert_eq!(fs::metadata(&db).unwrap().len(), 0);

    fs::remove_file(&db).unwrap();
    let out = serve_refused(&data, &[]);
    assert!(out.contains("is missing. Restore"), "{out}");
    let (ok, out) = run(&data, &["user", "add", "--login", "bob"]);
    assert!(!ok && out.contains("holds an earlier portal"), "{out}");
    assert!(!db.exists());
}

#[tokio::test]
async fn a_fresh_folder_starts_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir(&data).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&data, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let server = Server::start(&data, &[]);
    assert!(server.log().contains("Administrator created"));
    #[cfg(unix)]
    {
        assert_eq!(mode(&data), 0o700, "data folder");
        for file in [
            "portico.sqlite3",
            "portico.sqlite3-wal",
            "portico.sqlite3-shm",
            "secret.key",
        ] {
            assert_eq!(mode(&data.join(file)), 0o600, "{file}");
        }
    }
    server.stop();

    // Files an earlier build left readable are tightened at the next start.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let db = data.join("portico.sqlite3");
        fs::set_permissions(&db, fs::Permissions::from_mode(0o644)).unwrap();
        let server = Server::start(&data, &[]);
        assert_eq!(mode(&db), 0o600);
        server.stop();
    }
}

#[tokio::test]
async fn check_passes_on_a_sound_database_and_fails_on_a_damaged_copy() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[]);
    let hook = webhook_add(&data);
    for batch in 0..4 {
        let cmd: serde_json::Map<String, Value> = (0..50)
            .map(|i| {
                let title = format!("lead-{batch}-{i}-{}", "x".repeat(200));
                (
                    format!("c{i}"),
                    json!(format!("crm.lead.add?fields[TITLE]={title}")),
                )
            })
            .collect();
        let (status, body) = call(format!("{hook}batch.json"), json!({ "cmd": cmd })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["result"]["result_error"], json!([]), "{body}");
    }
    // While the server runs.
    let (ok, out) = run(&data, &["check"]);
    assert!(
        ok && out.contains("ok (integrity and foreign keys)"),
        "{out}"
    );
    server.stop();

    // A copy with a page of garbage in the middle: the leads table's root page.
    let copy = dir.path().join("copy");
    fs::create_dir(&copy).unwrap();
    let copy_db = copy.join("portico.sqlite3");
    let db = rusqlite::Connection::open(data.join("portico.sqlite3")).unwrap();
    db.execute("VACUUM INTO ?1", [copy_db.to_str().unwrap()])
        .unwrap();
    drop(db);
    let db = rusqlite::Connection::open(&copy_db).unwrap();
    let (root, page_size): (u64, u64) = db
        .query_row(
            "SELECT rootpage, (SELECT page_size FROM pragma_page_size()) \
             FROM sqlite_schema WHERE name = 'crm_leads'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(db);
    fs::copy(data.join("secret.key"), copy.join("secret.key")).unwrap();
    let (ok, out) = run(&copy, &["check"]);
    assert!(ok, "the copy before damage: {out}");
    let mut bytes = fs::read(&copy_db).unwrap();
    let start = usize::try_from((root - 1) * page_size).unwrap();
    let end = start + usize::try_from(page_size).unwrap();
    assert!(end < bytes.len(), "the page is in the middle of the file");
    bytes[start..end].fill(0xA5);
    fs::write(&copy_db, bytes).unwrap();

    let (ok, out) = run(&copy, &["check"]);
    assert!(
        !ok && out.contains(&format!("the database {} has problems", copy_db.display())),
        "{out}"
    );
    let out = serve_refused(&copy, &[]);
    assert!(
        out.contains(&format!("the database {} is damaged", copy_db.display()))
            && out.contains("portico check"),
        "{out}"
    );
    let (ok, out) = run(&dir.path().join("nothing"), &["check"]);
    assert!(!ok && out.contains("there is no database at"), "{out}");
}

#[tokio::test]
async fn one_server_per_folder_while_the_commands_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = Server::start(&data, &[]);
    let out = serve_refused(&data, &[]);
    assert!(
        out.contains(&format!(
            "another `portico serve` is already running on the data folder {} (process {})",
            data.display(),
            first.child.id()
        )) && out.contains("portico.lock is locked"),
        "{out}"
    );
    let hook = webhook_add(&data);
    assert!(hook.starts_with(&first.base), "{hook}");
    let (status, body) = call(format!("{hook}crm.lead.list"), json!({})).await;
    assert_eq!(status, 200, "{body}");
    first.stop();

    // A killed server leaves its lock file behind; it does not block the next start.
    let mut killed = Server::start(&data, &[]);
    killed.child.kill().unwrap();
    killed.child.wait().unwrap();
    assert!(data.join("portico.lock").exists());
    Server::start(&data, &[]).stop();
}

/// Signs in through `/login`; returns the status of the form's answer and
/// whether it set a session cookie.
async fn sign_in(base: &str, login: &str, password: &str) -> (u16, bool) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client.get(format!("{base}/login")).send().await.unwrap();
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portico_signin_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("sign-in cookie")
        .to_owned();
    let body = form.text().await.unwrap();
    let csrf = body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field")
        .to_owned();
    let answer = client
        .post(format!("{base}/login"))
        .header("cookie", cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    let session = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("portico_session=") && !v.starts_with("portico_session=;"));
    (answer.status().as_u16(), session)
}

#[tokio::test]
async fn admin_password_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("admin-password");
    fs::write(&file, "from-the-file-42\nnot this line\n").unwrap();
    let server = Server::start(&data, &["--admin-password-file", file.to_str().unwrap()]);
    let log = server.log();
    assert!(
        !log.contains("from-the-file-42") && !log.contains("password '"),
        "{log}"
    );
    assert_eq!(
        sign_in(&server.base, "admin", "from-the-file-42").await,
        (303, true)
    );
    assert_eq!(
        sign_in(&server.base, "admin", "not this line").await,
        (401, false)
    );
    server.stop();

    let (ok, help) = run(&data, &["serve", "--help"]);
    assert!(
        ok && help.contains("process list") && help.contains("PORTICO_ADMIN_PASSWORD"),
        "{help}"
    );
}
