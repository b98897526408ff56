//! Sign-in under attack: a flood of parallel guesses checks no more passwords
//! than the limit allows, a busy password checker answers 429 unchecked, wrong
//! passwords from one address do not lock the user out from another, the client
//! address comes from `X-Forwarded-For` only behind a trusted proxy, the limits
//! survive a restart, and `next` never leads off the portal.

use portico_web::ui::sign_in_limits::{AttemptKeys, PasswordCheckGate};
use portico_web::TrustedProxies;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::common::TestApp;
use crate::sign_in_attempt::{http, sign_in_from, Attempt};
use crate::ui_client::{input_value, TEST_PASSWORD};

/// [`sign_in_from`] with a login and a password, retried (as an attacker
/// would) while the answer is "busy".
async fn guess(
    app: &TestApp,
    http: &reqwest::Client,
    from: Option<&str>,
    login: &str,
    password: &str,
) -> Attempt {
    for _ in 0..60 {
        let fields = [("lang", "pt-BR"), ("login", login), ("password", password)];
        let attempt = sign_in_from(app, http, from, &fields, None).await;
        if !attempt.busy() {
            return attempt;
        }
        assert!(
            attempt.body.contains("O portal está ocupado"),
            "{}",
            attempt.body
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("busy for too long");
}

/// Attempts counted in the store for `login` from `address` (the pair).
async fn pair_attempts(app: &TestApp, login: &str, address: &str) -> u32 {
    let ip: IpAddr = address.parse().expect("address");
    let keys = AttemptKeys::new(&app.secrets, login, Some(ip));
    app.store
        .sign_in_attempts(&keys.pair)
        .await
        .expect("count")
        .map_or(0, |c| c.attempts)
}

/// The state change of a server behind a proxy on 127.0.0.1.
fn behind_local_proxy(state: portico_web::AppState) -> portico_web::AppState {
    state.with_trusted_proxies(TrustedProxies::parse(&["127.0.0.1"]).expect("proxies"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_parallel_guesses_check_five_passwords_and_the_right_one_is_refused() {
    let app = Arc::new(TestApp::start().await);
    app.set_password(1, TEST_PASSWORD).await;
    let http = http();
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..199 {
        let (app, http) = (app.clone(), http.clone());
        guesses
            .spawn(async move { guess(&app, &http, None, "admin", &format!("guess {i}")).await });
    }
    // The right password goes in once the five allowed attempts are counted,
    // while the flood is still arriving.
    let right = {
        let (app, http) = (app.clone(), http.clone());
        tokio::spawn(async move {
            for _ in 0..3000 {
                if pair_attempts(&app, "admin", "127.0.0.1").await >= 5 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            guess(&app, &http, None, "admin", TEST_PASSWORD).await
        })
    };
    let mut answers = guesses.join_all().await;
    let right = right.await.expect("right password task");
    assert_eq!(right.status, 429, "{}", right.body);
    assert!(
        !right.signed_in,
        "the right password beyond the limit must not sign in"
    );
    answers.push(right);

    let checked = answers.iter().filter(|a| a.status != 429).count();
    assert_eq!(checked, 5, "passwords checked");
    assert!(answers.iter().all(|a| a.status == 401 || a.status == 429));
    assert_eq!(
        pair_attempts(&app, "admin", "127.0.0.1").await,
        5,
        "counted in the store"
    );
    for refused in answers.iter().filter(|a| a.status == 429) {
        let wait = refused.retry_after.expect("Retry-After on every 429");
        assert!((2..=900).contains(&wait), "{wait}");
        assert!(
            refused.body.contains("<html lang=\"pt-BR\">"),
            "the form's language"
        );
        assert!(refused.body.contains("Muitas tentativas sem sucesso"));
    }
}

#[tokio::test]
async fn a_busy_password_checker_answers_429_without_checking() {
    let app = Arc::new(
        TestApp::start_with(|state| {
            behind_local_proxy(state).with_password_checks(PasswordCheckGate::new(1, 0))
        })
        .await,
    );
    let http = http();
    let mut answers = Vec::new();
    for round in 0..10 {
        let mut attempts = tokio::task::JoinSet::new();
        for i in 0..8 {
            let (app, http) = (app.clone(), http.clone());
            let (login, from) = (format!("nobody{i}"), format!("192.0.2.{}", round * 8 + i));
            attempts.spawn(async move {
                let fields = [
                    ("lang", "pt-BR"),
                    ("login", login.as_str()),
                    ("password", "x"),
                ];
                let attempt = sign_in_from(&app, &http, Some(&from), &fields, None).await;
                (login, from, attempt)
            });
        }
        answers.extend(attempts.join_all().await);
        if answers.iter().any(|(_, _, a)| a.busy()) {
            break;
        }
    }
    // One check at a time and none waiting: of eight at once, some are refused.
    let (_, _, busy) = answers
        .iter()
        .find(|(_, _, a)| a.busy())
        .expect("a busy answer");
    assert!(busy.body.contains("<html lang=\"pt-BR\">"));
    assert!(busy.body.contains("O portal está ocupado"), "{}", busy.body);
    assert!(
        busy.body.contains("name=\"csrf\""),
        "the sign-in form again"
    );
    for (login, from, attempt) in &answers {
        let counted = pair_attempts(&app, login, from).await;
        match attempt.status {
            401 => assert_eq!(counted, 1, "checked and counted"),
            429 => assert!(
                attempt.busy() && counted == 0,
                "refused unchecked, not counted"
            ),
            other => panic!("unexpected {other}: {}", attempt.body),
        }
    }
}

#[tokio::test]
async fn wrong_passwords_from_one_address_do_not_lock_out_another() {
    let app = TestApp::start_with(behind_local_proxy).await;
    app.set_password(1, TEST_PASSWORD).await;
    let bob = app.add_user("bob", false).await;
    app.set_password(bob, TEST_PASSWORD).await;
    let http = http();
    let attacker = Some("203.0.113.7");
    let user = Some("198.51.100.9");
    for _ in 0..5 {
        assert_eq!(
            guess(&app, &http, attacker, "admin", "wrong").await.status,
            401
        );
    }
    let locked = guess(&app, &http, attacker, "admin", TEST_PASSWORD).await;
    assert_eq!(locked.status, 429, "the attacker's pair is locked");
    assert!(locked.retry_after.is_some());

    let own = guess(&app, &http, user, "admin", TEST_PASSWORD).await;
    assert_eq!(
        own.status, 303,
        "the user's address is not locked: {}",
        own.body
    );
    assert!(own.signed_in);

    // The attacker's address fails 20 times in all: then it is locked for every login.
    for i in 5..20 {
        let login = format!("guess{i}");
        assert_eq!(
            guess(&app, &http, attacker, &login, "x").await.status,
            401,
            "{login}"
        );
    }
    let address_locked = guess(&app, &http, attacker, "bob", TEST_PASSWORD).await;
    assert_eq!(address_locked.status, 429, "the address is locked");
    assert!(address_locked.retry_after.is_some());
    assert_eq!(
        guess(&app, &http, user, "bob", TEST_PASSWORD).await.status,
        303
    );
}

#[tokio::test]
async fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
    let app = Arc::new(
        TestApp::start_with(|state| {
            state.with_trusted_proxies(TrustedProxies::parse(&["10.0.0.0/8"]).expect("proxies"))
        })
        .await,
    );
    app.set_password(1, TEST_PASSWORD).await;
    let http = http();
    // Forty guesses at once, each naming another address: the peer (127.0.0.1)
    // is no trusted proxy, so all count under it and five are checked.
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..40 {
        let (app, http) = (app.clone(), http.clone());
        guesses.spawn(async move {
            let from = format!("203.0.113.{i}");
            guess(&app, &http, Some(&from), "admin", "wrong").await
        });
    }
    let answers = guesses.join_all().await;
    assert_eq!(answers.iter().filter(|a| a.status == 401).count(), 5);
    assert!(answers.iter().all(|a| a.status == 401 || a.status == 429));
    let elsewhere = guess(&app, &http, Some("198.51.100.9"), "admin", TEST_PASSWORD).await;
    assert_eq!(elsewhere.status, 429, "counted under the peer, 127.0.0.1");
    assert_eq!(pair_attempts(&app, "admin", "127.0.0.1").await, 5);
    assert_eq!(pair_attempts(&app, "admin", "203.0.113.0").await, 0);

    // A forged address per guess does not escape the address's limit either.
    for i in 5..20 {
        let (from, login) = (format!("203.0.113.{i}"), format!("guess{i}"));
        let status = guess(&app, &http, Some(&from), &login, "x").await.status;
        assert_eq!(status, 401, "{login}");
    }
    let fresh = guess(&app, &http, Some("192.0.2.1"), "someone", "x").await;
    assert_eq!(fresh.status, 429);
}

#[tokio::test]
async fn the_limits_survive_a_restart_on_the_same_database() {
    let app = TestApp::start().await;
    app.set_password(1, TEST_PASSWORD).await;
    let http = http();
    for _ in 0..5 {
        assert_eq!(guess(&app, &http, None, "admin", "wrong").await.status, 401);
    }
    assert_eq!(
        guess(&app, &http, None, "admin", TEST_PASSWORD)
            .await
            .status,
        429
    );
    let app = app.restart().await;
    let after = guess(&app, &http, None, "admin", TEST_PASSWORD).await;
    assert_eq!(
        after.status, 429,
        "still locked after the restart: {}",
        after.body
    );
    assert!(after.retry_after.is_some_and(|w| w > 800));
    assert_eq!(
        app.ok("user.current", serde_json::json!({})).await["ID"],
        "1"
    );
}

#[tokio::test]
async fn next_never_leads_off_the_portal_and_never_fails() {
    let app = TestApp::start().await;
    app.set_password(1, TEST_PASSWORD).await;
    let http = http();
    let cases = [
        "/%09/evil.example/",
        "/%0a/x",
        "/\\evil",
        "//evil",
        "/%2F%2Fevil",
        "https://evil",
        " /x",
    ];
    for case in cases {
        // As the browser sent it (decoded once by the server) and as a literal value.
        let encoded_once = format!("next={case}");
        let literal: String = form_urlencoded::byte_serialize(case.as_bytes()).collect();
        let shown = http
            .get(format!("{}/login?next={literal}", app.base))
            .send()
            .await
            .expect("form");
        assert_eq!(shown.status(), 200, "GET next={case:?}");
        let form = shown.text().await.expect("body");
        assert_eq!(
            input_value(&form, "next").as_deref(),
            Some("/developer"),
            "{case:?}"
        );
        let shown_raw = http
            .get(format!(
                "{}/login?{}",
                app.base,
                encoded_once.replace(' ', "%20")
            ))
            .send()
            .await
            .expect("form");
        assert_eq!(shown_raw.status(), 200, "GET raw next={case:?}");

        let fields = [("login", "admin"), ("password", TEST_PASSWORD)];
        let raw = sign_in_from(&app, &http, None, &fields, Some(&encoded_once)).await;
        let mut with_literal = fields.to_vec();
        with_literal.push(("next", case));
        let decoded = sign_in_from(&app, &http, None, &with_literal, None).await;
        for (how, attempt) in [("raw", raw), ("literal", decoded)] {
            assert_eq!(attempt.status, 303, "{how} next={case:?}: {}", attempt.body);
            assert_eq!(
                attempt.location.as_deref(),
                Some("/developer"),
                "{how} next={case:?}"
            );
        }
    }
}
