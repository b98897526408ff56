//! `GET /crm/{entity}/{id}`: one record read with `crm.{entity}.get`, every
//! non-empty field listed under its label in the page's language (see
//! [`labels`](super::labels): the `field-…` message of a standard field, else
//! the labels of its `crm.{entity}.fields` descriptor); a deal's pipeline
//! section (see [`pipeline`](super::pipeline)) and the record's tasks block.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;
use serde_json::{json, Value};

use super::list::record_title;
use super::{
    call, directory_names, failure, kind, labels, named, short_datetime, text_of, user_names, Kind,
};
use crate::state::AppState;
use crate::ui::i18n::Tr;
use crate::ui::page::{self, Section};
use crate::ui::parse_id;
use crate::ui::session::Signed;

/// One line of the record: field code, label, shown text.
struct Line {
    code: String,
    label: String,
    text: String,
}

/// The non-empty fields of `record` in its own order, labelled in `tr`'s
/// language (descriptors from `fields` for the others); user ids and the
/// entity's directory field by name, date-times shortened.
fn lines(
    tr: &Tr,
    kind: &Kind,
    record: &Value,
    descriptors: &Value,
    users: &HashMap<String, String>,
    statuses: &HashMap<String, String>,
) -> Vec<Line> {
    let Some(fields) = record.as_object() else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|(code, value)| {
            let raw = text_of(value);
            if raw.trim().is_empty() {
                return None;
            }
            let descriptor = descriptors.get(code);
            let field_type = descriptor
                .and_then(|d| d.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let label = labels::label(tr, kind.entity, code, descriptor);
            let text = match field_type {
                "user" => match users.get(&raw) {
                    Some(name) => format!("{name} (#{raw})"),
                    None => raw,
                },
                "datetime" => short_datetime(&raw),
                "char" if raw == "Y" => tr.t("yes"),
                "char" if raw == "N" => tr.t("no"),
                _ if code == kind.status.0 => named(statuses, &raw),
                _ => raw,
            };
            Some(Line {
                code: code.clone(),
                label,
                text,
            })
        })
        .collect()
}

/// `GET /crm/{entity}/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path((segment, id)): Path<(String, String)>,
) -> Response {
    let (Some(kind), Some(id)) = (kind(&segment), parse_id(&id)) else {
        return page::not_found(&signed.tr);
    };
    let get = format!("crm.{}.get", kind.method);
    let record = match call(&state, &signed, &get, json!({ "id": id })).await {
        Ok(out) => out.result,
        Err(e) => return failure(&signed, &headers, e, true),
    };
    // Titles only label the fields: without them the codes show.
    let fields = format!("crm.{}.fields", kind.method);
    let descriptors = call(&state, &signed, &fields, json!({}))
        .await
        .map(|out| out.result)
        .unwrap_or(Value::Null);
    let user_ids: Vec<String> = record
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(code, _)| {
            descriptors.get(code.as_str()).and_then(|d| d.get("type")) == Some(&json!("user"))
        })
        .map(|(_, value)| text_of(value))
        .collect();
    let users = user_names(&state, user_ids).await;
    let (pipeline, statuses) = if kind.segment == "deals" {
        let (section, names) = super::pipeline::deal_section(&state, &signed, id, &record).await;
        (Some(section), names)
    } else {
        (None, directory_names(&state, &signed, kind.status.1).await)
    };
    let tasks = crate::ui::tasks::crm_block::block(&state, &signed, kind, id).await;
    let app_tabs = crate::ui::apps::tabs::nav(&state, &signed, kind.segment, id, None).await;
    let tr = &signed.tr;
    let title = record_title(tr, kind, &record);
    let body = html! {
        p { a href={ "/crm/" (kind.segment) } { "← " (tr.t(kind.title_id)) } }
        h1 { (title) }
        (app_tabs)
        @if let Some(section) = pipeline {
            (section)
        }
        dl.fields #crm-record data-id=(id) {
            @for line in lines(tr, kind, &record, &descriptors, &users, &statuses) {
                dt title=(line.code) { (line.label) }
                dd data-field=(line.code) { (line.text) }
            }
        }
        (tasks)
    };
    page::page(&signed, Section::Crm(kind.segment), &title, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::crm::KINDS;
    use crate::ui::i18n::Lang;

    #[test]
    fn ids_are_positive_integers() {
        assert_eq!(parse_id("42"), Some(42));
        assert_eq!(parse_id("0"), None);
        assert_eq!(parse_id("-1"), None);
        assert_eq!(parse_id("+1"), None);
        assert_eq!(parse_id("1e3"), None);
        assert_eq!(parse_id(""), None);
        assert_eq!(parse_id("9999999999999999999999"), None);
    }

    #[test]
    fn empty_fields_are_left_out_and_values_named() {
        let record = json!({
            "ID": "7", "TITLE": "<b>x</b>", "COMMENTS": "", "STATUS_ID": "NEW",
            "ASSIGNED_BY_ID": "1", "PHONE": [{"VALUE": "+55", "VALUE_TYPE": "WORK"}],
            "EMAIL": [], "DATE_CREATE": "2024-05-01T10:20:30+00:00",
            "UF_CRM_PRIORITY": "3", "UF_CRM_NOTE": "n"
        });
        let descriptors = json!({
            "TITLE": {"type": "string", "title": "Lead Name"},
            "ASSIGNED_BY_ID": {"type": "user", "title": "Responsible person"},
            "DATE_CREATE": {"type": "datetime", "title": "Created on"},
            "UF_CRM_PRIORITY": {"type": "integer", "title": "UF_CRM_PRIORITY",
                "formLabel": "Priority", "listLabel": "Prio"},
        });
        let users = HashMap::from([("1".to_owned(), "Ana".to_owned())]);
        let statuses = HashMap::from([("NEW".to_owned(), "Unassigned".to_owned())]);
        let got = |lang| -> Vec<(String, String, String)> {
            let tr = Tr::new(lang);
            lines(&tr, &KINDS[0], &record, &descriptors, &users, &statuses)
                .into_iter()
                .map(|l| (l.code, l.label, l.text))
                .collect()
        };
        let want = |labels: [&str; 8]| {
            let rows = [
                ("ID", "7"),
                ("TITLE", "<b>x</b>"),
                ("STATUS_ID", "Unassigned"),
                ("ASSIGNED_BY_ID", "Ana (#1)"),
                ("PHONE", "+55 (WORK)"),
                ("DATE_CREATE", "2024-05-01 10:20"),
                ("UF_CRM_PRIORITY", "3"),
                ("UF_CRM_NOTE", "n"),
            ];
            rows.iter()
                .zip(labels)
                .map(|((code, text), label)| {
                    ((*code).to_owned(), label.to_owned(), (*text).to_owned())
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            got(Lang::En),
            want([
                "ID",
                "Lead Name",
                "Stage",
                "Responsible person",
                "Phone",
                "Created on",
                "Priority",
                "UF_CRM_NOTE"
            ])
        );
        assert_eq!(
            got(Lang::PtBr),
            want([
                "ID",
                "Nome do lead",
                "Fase",
                "Responsável",
                "Telefone",
                "Criado em",
                "Priority",
                "UF_CRM_NOTE"
            ])
        );
    }

    #[test]
    fn yes_no_fields_read_as_words() {
        let record = json!({"OPENED": "Y", "HAS_PHONE": "N", "SOURCE_ID": "Y"});
        let descriptors = json!({
            "OPENED": {"type": "char", "title": "Available to everyone"},
            "HAS_PHONE": {"type": "char", "title": "Has phone"},
        });
        let texts = |lang| -> Vec<String> {
            let tr = Tr::new(lang);
            lines(
                &tr,
                &KINDS[0],
                &record,
                &descriptors,
                &HashMap::new(),
                &HashMap::new(),
            )
            .into_iter()
            .map(|l| l.text)
            .collect()
        };
        assert_eq!(texts(Lang::En), ["Yes", "No", "Y"]);
        assert_eq!(texts(Lang::PtBr), ["Sim", "Não", "Y"]);
    }
}
