//! The CRM pages: a searchable, paged list and a record page for leads,
//! deals, contacts and companies; deals are listed by pipeline and moved
//! between the stages of theirs. Every read goes through the REST
//! methods (`crm.{entity}.list`, `.get`, `.fields`, `crm.status.list`) called
//! as the signed-in user ([`AuthKind::WebSession`], scope `crm`), so the CRM
//! rights of their role apply exactly as they do to their webhooks: a denial
//! becomes a 403 page, a missing record a 404 page.

pub mod labels;
mod list;
mod pipeline;
mod record;

pub use crate::ui::parse_id;
pub use pipeline::stage_directory;

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use portico_methods::crm::rights;
use portico_methods::{AuthKind, Caller, MethodOutput};
use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};
use serde_json::Value;

use super::page;
use super::session::Signed;
use crate::state::AppState;

/// One CRM entity as the pages show it.
#[derive(Debug)]
pub struct Kind {
    /// Path segment (`leads`); the menu lists the entities in [`KINDS`] order.
    pub segment: &'static str,
    /// The entity's name in method names (`lead` in `crm.lead.list`).
    pub method: &'static str,
    /// The entity's catalogue code (`LEAD`), as in `portico_store::crm::by_code`.
    pub entity: &'static str,
    /// Message id of the plural (the page title).
    pub title_id: &'static str,
    /// The directory field shown in the list (`STATUS_ID`, …), its directory
    /// (`ENTITY_ID` of `crm.status.list`) and the message id of its column.
    pub status: (&'static str, &'static str, &'static str),
    /// Whether the record's name is `NAME` + `LAST_NAME` (contacts) rather than `TITLE`.
    pub person: bool,
    /// Whether the list shows the amount (`OPPORTUNITY` + `CURRENCY_ID`).
    pub amount: bool,
}

/// The entities, in menu order.
pub const KINDS: [Kind; 4] = [
    Kind {
        segment: "leads",
        method: "lead",
        entity: "LEAD",
        title_id: "nav-leads",
        status: ("STATUS_ID", "STATUS", "crm-col-stage"),
        person: false,
        amount: false,
    },
    Kind {
        segment: "deals",
        method: "deal",
        entity: "DEAL",
        title_id: "nav-deals",
        status: ("STAGE_ID", "DEAL_STAGE", "crm-col-stage"),
        person: false,
        amount: true,
    },
    Kind {
        segment: "contacts",
        method: "contact",
        entity: "CONTACT",
        title_id: "nav-contacts",
        status: ("TYPE_ID", "CONTACT_TYPE", "crm-col-type"),
        person: true,
        amount: false,
    },
    Kind {
        segment: "companies",
        method: "company",
        entity: "COMPANY",
        title_id: "nav-companies",
        status: ("COMPANY_TYPE", "COMPANY_TYPE", "crm-col-type"),
        person: false,
        amount: false,
    },
];

/// The entity of a path segment.
pub fn kind(segment: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.segment == segment)
}

/// The entity of a task's CRM link prefix (`L` in `L_12`), as `UF_CRM_TASK`
/// names them.
pub fn kind_of_binding_prefix(prefix: &str) -> Option<&'static Kind> {
    let segment = match prefix {
        "L" => "leads",
        "D" => "deals",
        "C" => "contacts",
        "CO" => "companies",
        _ => return None,
    };
    kind(segment)
}

/// The `UF_CRM_TASK` prefix of an entity (`L` for leads).
pub fn binding_prefix(kind: &Kind) -> &'static str {
    match kind.entity {
        "LEAD" => "L",
        "DEAL" => "D",
        "CONTACT" => "C",
        _ => "CO",
    }
}

/// The CRM pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/crm/{entity}", get(list::show))
        .route("/crm/{entity}/{id}", get(record::show))
        .route("/crm/{entity}/{id}/stage", post(pipeline::move_stage))
}

/// Calls REST method `method` with `params` (a JSON object) as the signed-in
/// user, with the `crm` scope of a web session.
pub async fn call(
    state: &AppState,
    signed: &Signed,
    method: &str,
    params: Value,
) -> Result<MethodOutput, ApiError> {
    call_in_scope(state, signed, "crm", method, params).await
}

/// Calls REST method `method` with `params` (a JSON object) as the signed-in
/// user, with scope `scope` of a web session (`task` for the task pages).
pub async fn call_in_scope(
    state: &AppState,
    signed: &Signed,
    scope: &str,
    method: &str,
    params: Value,
) -> Result<MethodOutput, ApiError> {
    let map = match params {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    let ctx = state.ctx(Arc::new(Caller::new(
        signed.user.clone(),
        vec![scope.to_owned()],
        AuthKind::WebSession,
    )));
    portico_methods::call(ctx, method, Params::new(map)).await
}

/// Whether a method's error says the caller may not read this.
fn is_denied(e: &ApiError) -> bool {
    rights::is_denied(e)
        || matches!(
            e.code,
            ErrorCode::AccessDenied | ErrorCode::InsufficientScope
        )
}

/// The page for a method's error: 403 for a denial; 404 for a missing record
/// when `missing_is_404` (the legacy CRM errors other than a denial, and the
/// coded not-found ones); anything else is logged and answered 500.
pub fn failure(
    signed: &Signed,
    headers: &HeaderMap,
    e: ApiError,
    missing_is_404: bool,
) -> Response {
    if is_denied(&e) {
        return page::error_page(&signed.tr, StatusCode::FORBIDDEN, "crm-error-denied");
    }
    let missing = matches!(
        e.code,
        ErrorCode::Legacy | ErrorCode::NotFound | ErrorCode::ErrorNotFound
    );
    if missing_is_404 && missing {
        return page::not_found(&signed.tr);
    }
    page::internal_error(headers, e)
}

/// Display names of the users with these ids (the responsible person and other
/// user fields of the records shown), read one by one: a page names at most a
/// few dozen users, however many the portal has. Unreadable or unknown ids are
/// left out (the ids show instead).
pub async fn user_names(state: &AppState, ids: Vec<String>) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for raw in ids {
        let Ok(id) = raw.parse::<i64>() else { continue };
        if names.contains_key(&raw) {
            continue;
        }
        match state.store.user_by_id(id).await {
            Ok(Some(user)) => {
                names.insert(raw, page::display_name(&user));
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read a user for a CRM page"),
        }
    }
    names
}

/// Names of the items of directory `entity_id` (`STATUS`, …) by `STATUS_ID`,
/// read with `crm.status.list` (empty on any error: the ids show instead).
pub async fn directory_names(
    state: &AppState,
    signed: &Signed,
    entity_id: &str,
) -> HashMap<String, String> {
    let params = serde_json::json!({ "filter": { "ENTITY_ID": entity_id } });
    let Ok(out) = call(state, signed, "crm.status.list", params).await else {
        return HashMap::new();
    };
    out.result
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    let id = item.get("STATUS_ID")?.as_str()?;
                    let name = item.get("NAME")?.as_str()?;
                    Some((id.to_owned(), name.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A wire value as plain text: strings as they are, numbers and booleans
/// printed, `null` empty, lists joined with ", ", multi-field entries as
/// `VALUE (VALUE_TYPE)`, other objects as compact JSON.
pub fn text_of(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Object(entry) if entry.contains_key("VALUE") => {
                    let value = entry.get("VALUE").map(text_of).unwrap_or_default();
                    match entry.get("VALUE_TYPE").map(text_of) {
                        Some(kind) if !kind.is_empty() => format!("{value} ({kind})"),
                        _ => value,
                    }
                }
                other => text_of(other),
            })
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => value.to_string(),
    }
}

/// A wire date-time (`2024-05-01T10:00:00+03:00`) as `YYYY-MM-DD HH:MM` in its
/// own offset; other text unchanged.
pub fn short_datetime(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| text.to_owned())
}

/// `name` looked up in `names`, else the raw value.
pub fn named(names: &HashMap<String, String>, raw: &str) -> String {
    names.get(raw).cloned().unwrap_or_else(|| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_as_text() {
        assert_eq!(text_of(&json!(null)), "");
        assert_eq!(text_of(&json!("a<b")), "a<b");
        assert_eq!(text_of(&json!(12)), "12");
        assert_eq!(text_of(&json!(["1", "2"])), "1, 2");
        assert_eq!(
            text_of(&json!([
                {"ID": "1", "VALUE": "+5511", "VALUE_TYPE": "WORK", "TYPE_ID": "PHONE"},
                {"ID": "2", "VALUE": "x@y.z", "VALUE_TYPE": ""}
            ])),
            "+5511 (WORK), x@y.z"
        );
        assert_eq!(text_of(&json!([])), "");
    }

    #[test]
    fn the_kinds_message_ids_exist() {
        use crate::ui::i18n::{Lang, Tr};
        for lang in Lang::ALL {
            let tr = Tr::new(lang);
            for k in &KINDS {
                for id in [k.title_id, k.status.2] {
                    assert_ne!(tr.t(id), id, "{id} in {}", lang.tag());
                }
            }
        }
    }

    #[test]
    fn dates_shorten_and_entities_resolve() {
        assert_eq!(
            short_datetime("2024-05-01T10:20:30+03:00"),
            "2024-05-01 10:20"
        );
        assert_eq!(short_datetime("soon"), "soon");
        assert_eq!(kind("deals").map(|k| k.method), Some("deal"));
        assert!(kind("tasks").is_none());
        for k in &KINDS {
            assert!(
                portico_store::crm::by_code(k.entity).is_some(),
                "{}",
                k.entity
            );
        }
    }
}
