//! The "Integrations" tab: one list of every integration the user may see (all of
//! them for administrators, their own for everyone else — filtered in the store
//! query, not in the page): inbound webhooks, then outbound webhooks with the
//! events they receive (a switched-off one says why and since when, with a
//! link to its log and an "enable" button), and local applications. Applications
//! are listed to everyone, but non-administrators see only their name, type and
//! permissions (never a link, a secret or a menu). A ⚙ column chooser saved per
//! user, and a ≡ menu per row with edit and delete (and the log of an outbound
//! one; reinstall for an application).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};
use portico_store::{App, OutboundWebhook, User, Webhook};
use serde::Deserialize;

use super::form::scope_label;
use super::outbound_form::{disabled_note, enable_button};
use super::{tabs, Tab};
use crate::state::AppState;
use crate::ui::i18n::Tr;
use crate::ui::page::{self, display_name, format_instant, Section};
use crate::ui::session::{CheckedForm, Signed};

/// The user setting holding the chosen columns (comma-separated).
const COLUMNS_SETTING: &str = "integration_columns";

/// Every column: its key and heading's message id. The name is always shown.
const COLUMNS: [(&str, &str); 6] = [
    ("type", "col-type"),
    ("creator", "col-creator"),
    ("permissions", "col-permissions"),
    ("events", "col-events"),
    ("created", "col-created"),
    ("last_used", "col-last-used"),
];

/// Query of the list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    done: Option<String>,
}

/// The chosen columns from the stored setting (all when unset).
fn chosen_columns(setting: Option<&str>) -> Vec<&'static str> {
    super::columns::chosen(&COLUMNS, setting)
}

/// One cell of an inbound webhook's row.
fn cell(tr: &Tr, column: &str, hook: &Webhook, creators: &HashMap<i64, User>) -> Markup {
    html! {
        @match column {
            "type" => { (tr.t("integration-type-inbound")) },
            "creator" => { (creator(creators, hook.user_id)) },
            "permissions" => {
                @if hook.scopes.is_empty() { span.muted { (tr.t("integration-no-scopes")) } }
                @for (i, scope) in hook.scopes.iter().enumerate() {
                    @if i > 0 { ", " }
                    (scope_label(tr, scope))
                }
            },
            "events" => { span.muted { "—" } },
            "created" => { (format_instant(Some(hook.created_at))) },
            "last_used" => {
                @match hook.last_used_at {
                    Some(at) => (format_instant(Some(at))),
                    None => span.muted { (tr.t("integration-never-used")) },
                }
            },
            _ => {},
        }
    }
}

/// One cell of an outbound webhook's row.
fn outbound_cell(
    signed: &Signed,
    column: &str,
    hook: &OutboundWebhook,
    creators: &HashMap<i64, User>,
) -> Markup {
    let tr = &signed.tr;
    html! {
        @match column {
            "type" => {
                (tr.t("integration-type-outbound"))
                @if !hook.active {
                    " " span.muted { (tr.t("integration-switched-off")) }
                    div.switched-off {
                        @if let Some(disabled) = &hook.disabled { (disabled_note(tr, disabled)) " " }
                        a.log-link href={ "/developer/outbound/" (hook.id) "/log" } { (tr.t("outbound-log")) }
                        " " (enable_button(signed, hook.id))
                    }
                }
            },
            "creator" => { (creator(creators, hook.user_id)) },
            "events" => { (hook.events.join(", ")) },
            "created" => { (format_instant(Some(hook.created_at))) },
            "permissions" | "last_used" => { span.muted { "—" } },
            _ => {},
        }
    }
}

/// One cell of a local application's row; `admin` sees more than its
/// name, type and permissions.
fn app_cell(
    tr: &Tr,
    column: &str,
    (app, events): (&App, &[String]),
    creators: &HashMap<i64, User>,
    admin: bool,
) -> Markup {
    html! {
        @match column {
            "type" => {
                (tr.t("integration-type-app"))
                @if admin && app.installed_at.is_none() {
                    " " span.muted.not-installed { (tr.t("integration-app-not-installed")) }
                }
            },
            "permissions" => {
                @if app.scopes.is_empty() { span.muted { (tr.t("integration-no-scopes")) } }
                @for (i, scope) in app.scopes.iter().enumerate() {
                    @if i > 0 { ", " }
                    (scope_label(tr, scope))
                }
            },
            "creator" if admin => { (creator(creators, app.created_by)) },
            "created" if admin => { (format_instant(Some(app.created_at))) },
            "events" if admin && !events.is_empty() => { (events.join(", ")) },
            _ => { span.muted { "—" } },
        }
    }
}

/// The row of a local application, with the events its handlers are bound to.
fn app_row(
    signed: &Signed,
    (app, events): (&App, &[String]),
    columns: &[&str],
    creators: &HashMap<i64, User>,
) -> Markup {
    let tr = &signed.tr;
    let admin = signed.user.is_admin;
    html! {
        tr data-app-id=(app.id) {
            td data-column="name" {
                @if admin { a href={ "/developer/apps/" (app.id) } { (app.name) } } @else { (app.name) }
            }
            @for key in columns { td data-column=(key) { (app_cell(tr, key, (app, events), creators, admin)) } }
            td {
                @if admin {
                    details.menu-pop.row-menu {
                        summary aria-label=(tr.t_with("row-actions", &[("name", &app.name)])) { "≡" }
                        div.pop {
                            a.edit-link href={ "/developer/apps/" (app.id) } { (tr.t("action-edit")) }
                            a.delete-link href={ "/developer/apps/" (app.id) "/delete" } { (tr.t("action-delete")) }
                            form.inline method="post" action={ "/developer/apps/" (app.id) "/reinstall" } {
                                input type="hidden" name="csrf" value=(signed.csrf);
                                button.reinstall type="submit" { (tr.t("action-reinstall")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The display name of user `id`, else `#id`.
fn creator(creators: &HashMap<i64, User>, id: i64) -> Markup {
    html! {
        @match creators.get(&id) {
            Some(user) => (display_name(user)),
            None => { "#" (id) },
        }
    }
}

/// `GET /developer/integrations`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Query(q): Query<ListQuery>,
) -> Response {
    let tr = &signed.tr;
    let scope = (!signed.user.is_admin).then_some(signed.user.id);
    let loaded = async {
        let hooks = state.store.list_webhooks(scope).await?;
        let outbound = state.store.list_outbound_webhooks(scope).await?;
        let mut apps = Vec::new();
        for app in state.store.list_apps().await? {
            let mut events: Vec<String> = state
                .store
                .app_handlers(app.id)
                .await?
                .into_iter()
                .flat_map(|h| h.events)
                .collect();
            events.sort();
            events.dedup();
            apps.push((app, events));
        }
        let users = if signed.user.is_admin {
            state.store.list_users().await?
        } else {
            vec![signed.user.clone()]
        };
        let setting = state
            .store
            .user_setting(signed.user.id, COLUMNS_SETTING)
            .await?;
        Ok::<_, portico_store::StoreError>((hooks, outbound, apps, users, setting))
    }
    .await;
    let (hooks, outbound, apps, users, setting) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return page::internal_error(&headers, e),
    };
    let creators: HashMap<i64, User> = users.into_iter().map(|u| (u.id, u)).collect();
    let columns = chosen_columns(setting.as_deref());
    let body = html! {
        h1 { (tr.t("nav-developer")) }
        (tabs(tr, Some(Tab::Integrations), signed.user.is_admin))
        @if q.done.as_deref() == Some("deleted") { p.notice role="status" { (tr.t("integration-deleted")) } }
        div.toolbar {
            p.muted { @if signed.user.is_admin { (tr.t("integrations-all")) } @else { (tr.t("integrations-own")) } }
            div.row {
                a.button.primary #new-webhook href="/developer/webhooks/new?case=inbound-webhook" { (tr.t("integration-new-webhook")) }
                @if signed.user.is_admin {
                    a.button #new-app href="/developer/apps/new" { (tr.t("integration-new-app")) }
                }
                details.menu-pop #column-chooser {
                    summary aria-label=(tr.t("columns-choose")) title=(tr.t("columns-choose")) { "⚙" }
                    form.pop method="post" action="/developer/integrations/columns" {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        @for (key, id) in COLUMNS {
                            label { input type="checkbox" name="column" value=(key) checked[columns.contains(&key)]; " " (tr.t(id)) }
                        }
                        button.primary #columns-save type="submit" { (tr.t("action-save")) }
                    }
                }
            }
        }
        @if hooks.is_empty() && outbound.is_empty() && apps.is_empty() {
            p #no-integrations { (tr.t("integrations-empty")) }
        } @else {
            div.table-wrap {
                table.data #integrations {
                    thead { tr {
                        th data-column="name" { (tr.t("col-name")) }
                        @for (key, id) in COLUMNS { @if columns.contains(&key) { th data-column=(key) { (tr.t(id)) } } }
                        th { span.visually-hidden { (tr.t("col-actions")) } }
                    } }
                    tbody {
                        @for hook in &hooks {
                            tr data-id=(hook.id) {
                                td data-column="name" { a href={ "/developer/webhooks/" (hook.id) } { (hook.name) } }
                                @for key in &columns { td data-column=(key) { (cell(tr, key, hook, &creators)) } }
                                td {
                                    details.menu-pop.row-menu {
                                        summary aria-label=(tr.t_with("row-actions", &[("name", &hook.name)])) { "≡" }
                                        div.pop {
                                            a.edit-link href={ "/developer/webhooks/" (hook.id) } { (tr.t("action-edit")) }
                                            a.delete-link href={ "/developer/webhooks/" (hook.id) "/delete" } { (tr.t("action-delete")) }
                                        }
                                    }
                                }
                            }
                        }
                        @for hook in &outbound {
                            tr data-outbound-id=(hook.id) {
                                td data-column="name" { a href={ "/developer/outbound/" (hook.id) } { (hook.name) } }
                                @for key in &columns { td data-column=(key) { (outbound_cell(&signed, key, hook, &creators)) } }
                                td {
                                    details.menu-pop.row-menu {
                                        summary aria-label=(tr.t_with("row-actions", &[("name", &hook.name)])) { "≡" }
                                        div.pop {
                                            a.edit-link href={ "/developer/outbound/" (hook.id) } { (tr.t("action-edit")) }
                                            a.log-link href={ "/developer/outbound/" (hook.id) "/log" } { (tr.t("outbound-log")) }
                                            a.delete-link href={ "/developer/outbound/" (hook.id) "/delete" } { (tr.t("action-delete")) }
                                        }
                                    }
                                }
                            }
                        }
                        @for (app, events) in &apps { (app_row(&signed, (app, events), &columns, &creators)) }
                    }
                }
            }
        }
    };
    page::page(&signed, Section::Developer, &tr.t("tab-integrations"), body)
}

/// `POST /developer/integrations/columns`: stores the chosen columns.
pub async fn save_columns(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    super::columns::save(
        &state,
        &headers,
        &signed,
        &form,
        (&COLUMNS, COLUMNS_SETTING, "/developer/integrations"),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::chosen_columns;

    #[test]
    fn columns_come_from_the_setting_in_a_fixed_order() {
        assert_eq!(chosen_columns(None).len(), 6);
        assert_eq!(chosen_columns(Some("")), Vec::<&str>::new());
        assert_eq!(
            chosen_columns(Some("last_used,type,bogus")),
            vec!["type", "last_used"]
        );
    }
}
