//! Sandbox captures and handler modes: a mode other than `deliver` is kept
//! per handler URL until changed or cleared; captures come back exactly as
//! recorded (headers in order), filtered by event, handler and id, oldest or
//! newest first, and a snapshot restore returns them to the snapshot's state.

use crate::{CaptureQuery, HandlerMode, NewCapture, Store};

/// A capture of `event` to `handler`, attempt `attempt`.
fn capture(event: &str, handler: &str, attempt: u32, status: Option<u16>) -> NewCapture {
    NewCapture {
        at_ms: 1_700_000_000_123 + i64::from(attempt),
        event: event.into(),
        handler: handler.into(),
        attempt,
        delivery_id: 42,
        mode: HandlerMode::Fail,
        headers: vec![
            ("host".into(), "127.0.0.1:9".into()),
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("webhook-signature".into(), "v1,abc/+=".into()),
        ],
        body: "event=ONCRMLEADADD&data%5BFIELDS%5D%5BID%5D=1&x=é".into(),
        status,
        outcome: "retry".into(),
    }
}

/// Every capture `query` finds, as (id, event, handler).
async fn found(store: &dyn Store, query: CaptureQuery) -> Vec<(i64, String, String)> {
    store
        .captures(&query)
        .await
        .expect("captures")
        .into_iter()
        .map(|c| (c.id, c.capture.event, c.capture.handler))
        .collect()
}

/// The whole story.
pub(super) async fn story(store: &dyn Store) {
    let (a, b) = ("http://127.0.0.1:9/a", "http://127.0.0.1:9/b?x=1");
    assert_eq!(
        store.handler_mode(a).await.expect("mode"),
        HandlerMode::Deliver
    );
    store
        .set_handler_mode(a, HandlerMode::Fail)
        .await
        .expect("set");
    store
        .set_handler_mode(b, HandlerMode::CaptureOnly)
        .await
        .expect("set");
    store
        .set_handler_mode(a, HandlerMode::CaptureOnly)
        .await
        .expect("change");
    assert_eq!(
        store.handler_modes().await.expect("modes"),
        [
            (a.to_owned(), HandlerMode::CaptureOnly),
            (b.to_owned(), HandlerMode::CaptureOnly)
        ]
    );
    store
        .set_handler_mode(b, HandlerMode::Deliver)
        .await
        .expect("back");
    assert_eq!(
        store.handler_mode(b).await.expect("mode"),
        HandlerMode::Deliver
    );
    assert_eq!(
        store.handler_mode(a).await.expect("mode"),
        HandlerMode::CaptureOnly
    );
    assert_eq!(store.clear_handler_modes().await.expect("clear"), 1);
    assert!(store.handler_modes().await.expect("modes").is_empty());

    let first = capture("ONCRMLEADADD", a, 1, Some(500));
    let one = store.record_capture(&first).await.expect("record");
    let two = store
        .record_capture(&capture("ONCRMDEALADD", b, 1, None))
        .await
        .expect("record");
    let three = store
        .record_capture(&capture("ONCRMLEADADD", a, 2, Some(500)))
        .await
        .expect("record");
    assert!(
        one < two && two < three,
        "ids increase: {one} {two} {three}"
    );
    let all = CaptureQuery {
        event: None,
        handler: None,
        since: 0,
        limit: 100,
        newest_first: false,
    };
    let stored = store.captures(&all).await.expect("captures");
    assert_eq!(stored[0].id, one);
    assert_eq!(stored[0].capture, first, "a capture comes back exactly");
    assert_eq!(stored[1].capture.status, None);
    assert_eq!(
        found(
            store,
            CaptureQuery {
                event: Some("ONCRMLEADADD".into()),
                ..all.clone()
            }
        )
        .await,
        [
            (one, "ONCRMLEADADD".into(), a.into()),
            (three, "ONCRMLEADADD".into(), a.into())
        ]
    );
    assert_eq!(
        found(
            store,
            CaptureQuery {
                handler: Some(b.into()),
                ..all.clone()
            }
        )
        .await,
        [(two, "ONCRMDEALADD".into(), b.into())]
    );
    assert_eq!(
        found(
            store,
            CaptureQuery {
                since: one,
                limit: 1,
                ..all.clone()
            }
        )
        .await,
        [(two, "ONCRMDEALADD".into(), b.into())]
    );
    let newest = found(
        store,
        CaptureQuery {
            newest_first: true,
            ..all.clone()
        },
    )
    .await;
    assert_eq!(
        newest.iter().map(|c| c.0).collect::<Vec<_>>(),
        [three, two, one]
    );
    assert!(found(
        store,
        CaptureQuery {
            since: three,
            ..all.clone()
        }
    )
    .await
    .is_empty());

    store
        .set_handler_mode(a, HandlerMode::Fail)
        .await
        .expect("set");
    store.save_snapshot("captured").await.expect("snapshot");
    store
        .record_capture(&capture("ONCRMLEADADD", a, 3, None))
        .await
        .expect("record");
    store.clear_handler_modes().await.expect("clear");
    store.restore_snapshot("captured").await.expect("restore");
    assert_eq!(
        found(store, all)
            .await
            .iter()
            .map(|c| c.0)
            .collect::<Vec<_>>(),
        [one, two, three],
        "a restore forgets captures made after the snapshot"
    );
    assert_eq!(
        store.handler_mode(a).await.expect("mode"),
        HandlerMode::Fail
    );
    assert_eq!(store.clear_handler_modes().await.expect("clear"), 1);
}
