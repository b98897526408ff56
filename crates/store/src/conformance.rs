//! The conformance suite: the behaviour every storage backend must show, written
//! once against the traits. A backend's test opens a fresh, empty store and calls
//! [`run_all`]; each area is one story of calls with `assert_eq!` checks, so a
//! failure names the call and shows expected and actual values.
//!
//! The stories expect a fresh store (the first user gets id 1; only the seeded
//! directory items exist) and leave their data behind; records of the list
//! story carry a marker so other stories' rows do not disturb it.

mod app_events;
mod apps;
mod bots;
mod chats;
mod currencies;
mod deliveries;
mod delivery_log;
mod duplicates;
mod event_sources;
mod feed;
mod links;
mod lists;
mod live;
mod meta;
mod notifications;
mod offline_events;
mod outbox;
mod pipelines;
mod placements;
mod records;
mod replay;
mod rest_limits;
mod rest_stats;
mod roles;
mod sandbox;
mod sandbox_deliveries;
mod scrum;
mod sessions;
mod sign_in_attempts;
mod statuses;
mod tasks;
mod user_fields;
mod user_profiles;
mod users;
mod webhooks;
mod workgroups;

use crate::Store;

/// Runs every story against `store`, which must be empty. Panics on the first
/// difference from the expected behaviour.
pub async fn run_all(store: &dyn Store) {
    users::story(store).await;
    user_profiles::story(store).await;
    apps::story(store).await;
    placements::story(store).await;
    webhooks::story(store).await;
    sessions::story(store).await;
    sign_in_attempts::story(store).await;
    rest_limits::story(store).await;
    rest_stats::story(store).await;
    sandbox::story(store).await;
    sandbox_deliveries::story(store).await;
    records::story(store).await;
    lists::story(store).await;
    links::story(store).await;
    duplicates::story(store).await;
    statuses::story(store).await;
    pipelines::story(store).await;
    currencies::story(store).await;
    workgroups::story(store).await;
    roles::story(store).await;
    user_fields::story(store).await;
    meta::story(store).await;
    outbox::story(store).await;
    event_sources::story(store).await;
    deliveries::story(store).await;
    delivery_log::story(store).await;
    replay::story(store).await;
    tasks::story(store).await;
    scrum::story(store).await;
    offline_events::story(store).await;
    app_events::story(store).await;
    live::story(store).await;
    notifications::story(store).await;
    chats::story(store).await;
    feed::story(store).await;
    bots::story(store).await;
}

/// Every story's name, in the order [`run_all`] runs them.
pub const STORIES: &[&str] = &[
    "users",
    "user_profiles",
    "apps",
    "placements",
    "webhooks",
    "sessions",
    "sign_in_attempts",
    "rest_limits",
    "rest_stats",
    "sandbox",
    "sandbox_deliveries",
    "records",
    "lists",
    "links",
    "duplicates",
    "statuses",
    "pipelines",
    "currencies",
    "workgroups",
    "roles",
    "user_fields",
    "meta",
    "outbox",
    "event_sources",
    "deliveries",
    "delivery_log",
    "replay",
    "tasks",
    "scrum",
    "offline_events",
    "app_events",
    "live",
    "notifications",
    "chats",
    "feed",
    "bots",
];

/// Runs the one story called `name` (one of [`STORIES`]) against `store`; `false`
/// when there is no such story. For a backend under construction: a story may
/// rely on rows the stories before it left behind.
pub async fn run_story(store: &dyn Store, name: &str) -> bool {
    match name {
        "users" => users::story(store).await,
        "user_profiles" => user_profiles::story(store).await,
        "apps" => apps::story(store).await,
        "placements" => placements::story(store).await,
        "webhooks" => webhooks::story(store).await,
        "sessions" => sessions::story(store).await,
        "sign_in_attempts" => sign_in_attempts::story(store).await,
        "rest_limits" => rest_limits::story(store).await,
        "rest_stats" => rest_stats::story(store).await,
        "sandbox" => sandbox::story(store).await,
        "sandbox_deliveries" => sandbox_deliveries::story(store).await,
        "records" => records::story(store).await,
        "lists" => lists::story(store).await,
        "links" => links::story(store).await,
        "duplicates" => duplicates::story(store).await,
        "statuses" => statuses::story(store).await,
        "pipelines" => pipelines::story(store).await,
        "currencies" => currencies::story(store).await,
        "workgroups" => workgroups::story(store).await,
        "roles" => roles::story(store).await,
        "user_fields" => user_fields::story(store).await,
        "meta" => meta::story(store).await,
        "outbox" => outbox::story(store).await,
        "event_sources" => event_sources::story(store).await,
        "deliveries" => deliveries::story(store).await,
        "delivery_log" => delivery_log::story(store).await,
        "replay" => replay::story(store).await,
        "tasks" => tasks::story(store).await,
        "scrum" => scrum::story(store).await,
        "offline_events" => offline_events::story(store).await,
        "app_events" => app_events::story(store).await,
        "live" => live::story(store).await,
        "notifications" => notifications::story(store).await,
        "chats" => chats::story(store).await,
        "feed" => feed::story(store).await,
        "bots" => bots::story(store).await,
        _ => return false,
    }
    true
}
